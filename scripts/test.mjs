// `npm test`: the whole suite against real servers. Without TEST_DATABASE_URL it starts a throwaway
// embedded PostgreSQL of its own, so a fresh machine needs nothing else.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureInstalled, root } from './ensure-installed.mjs';

ensureInstalled();
const { startEmbeddedPostgres } = await import(path.join(root, 'dist/libs/database/src/index.js'));

let database;
const env = { ...process.env };
if (!env.TEST_DATABASE_URL) {
  const dataDir = path.join(root, '.data', 'test-postgres');
  rmSync(dataDir, { recursive: true, force: true });
  const port = Number(env.TEST_POSTGRES_PORT ?? 54339);
  console.log(`Starting a throwaway PostgreSQL for the tests on 127.0.0.1:${port}…`);
  database = await startEmbeddedPostgres({ dataDir, port, database: 'postgres', ephemeral: true });
  env.TEST_DATABASE_URL = database.url;
}
env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings`.trim();

const resultsFile = path.join(root, '.data', 'jest-results.json');
rmSync(resultsFile, { force: true });
const jestArgs = ['--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)];
const jest = spawn(process.execPath, [path.join(root, 'node_modules/jest/bin/jest.js'), ...jestArgs], {
  cwd: root,
  env,
  stdio: 'inherit',
});
const code = await new Promise((resolve) => jest.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await database?.stop();
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`);
}
process.exit(code);

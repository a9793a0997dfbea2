// `npm test`: the whole suite against real servers. Without TEST_DATABASE_URL it starts a throwaway
// embedded PostgreSQL of its own; without TEST_KAFKA_BROKERS, a throwaway Kafka broker (jars from Maven
// Central); and it installs kcat, the third-party client one test publishes with. A fresh machine needs
// nothing else but Node.js, Java and Maven. As root it also installs Chromium for the console's browser tests.
import { execSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureConsoleBuilt, ensureInstalled, root } from './ensure-installed.mjs';

ensureInstalled();
ensureConsoleBuilt();
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
let kafka;
if (!env.TEST_KAFKA_BROKERS) {
  const { startKafka } = await import('./kafka.mjs');
  const port = Number(env.TEST_KAFKA_PORT ?? 19092);
  console.log(`Starting a throwaway Kafka broker for the tests on 127.0.0.1:${port}…`);
  kafka = await startKafka({ port, controllerPort: port + 1, instance: 'test', fresh: true, log: () => undefined });
  env.TEST_KAFKA_BROKERS = kafka.brokers;
}
/** Installs a Debian package whose command is missing, when running as root; tells whether the command is there. */
function aptInstall(pkg, command) {
  try {
    execSync(`command -v ${command}`, { stdio: 'ignore', shell: '/bin/bash' });
    return true;
  } catch {
    if (process.getuid?.() !== 0) return false;
  }
  console.log(`Installing ${pkg} (Debian package)…`);
  execSync(`(apt-get install -y -qq ${pkg} || (apt-get update -qq && apt-get install -y -qq ${pkg})) > /dev/null`, {
    stdio: 'inherit',
    shell: '/bin/bash',
  });
  return true;
}

if (!aptInstall('kcat', 'kcat')) {
  console.error('kcat is missing: install it (Debian: apt-get install kcat); a test publishes with it.');
  process.exit(1);
}
// The web console's browser tests drive Debian's Chromium (npm cannot download a browser here).
if (!aptInstall('chromium', '/usr/bin/chromium')) {
  console.warn('Chromium is missing: the console browser tests will be skipped (Debian: apt-get install chromium).');
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
await Promise.all([database?.stop(), kafka?.stop()]);
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`);
}
if (!env.EVENTSTORE_URL) {
  console.log('Skipped: the event store contract against EventStoreDB (set EVENTSTORE_URL=esdb://… to run it).');
}
process.exit(code);

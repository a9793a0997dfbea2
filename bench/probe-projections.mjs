// `npm run bench:projections [-- --scale N] [-- --only name,name] [-- --profile]`: how fast each projection is
// on its own. Seeds N touchpoints (default 100k) into an embedded PostgreSQL kept in .data/probe (a later run with
// the same scale reuses it), then rebuilds each projection alone from the first event through the service's
// rebuild endpoint, and prints seconds and events/s per projection. A tool for finding the slow one; the
// figures of record come from `npm run bench`.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureInstalled, root } from '../scripts/ensure-installed.mjs';

ensureInstalled();
const { values: options } = parseArgs({
  options: {
    scale: { type: 'string', default: '100000' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const { startEmbeddedPostgres } = await import(path.join(root, 'dist/libs/database/src/index.js'));
const { benchTraffic } = await import('./lib/seed.mjs');
const { startApp, stopApp, waitForHealth, sleep, serviceEnv } = await import('./lib/processes.mjs');
const { createClient, postBatches } = await import('./lib/http-legs.mjs');
const { summariseProfile } = await import('./lib/profile-summary.mjs');

const touchpoints = Number(options.scale);
const dataDir = path.join(root, '.data', 'probe');
const marker = path.join(dataDir, 'seeded.json');
const port = Number(process.env.BENCH_PORT ?? 3901);
const apiKey = `probe-${randomUUID()}`;
const profileDir = path.join(root, 'bench', 'results', 'profiles');
const say = (line) => process.stdout.write(`${line}\n`);

const seeded = existsSync(marker) ? JSON.parse(readFileSync(marker, 'utf8')) : null;
if (seeded?.touchpoints !== touchpoints) rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
const database = await startEmbeddedPostgres({
  dataDir: path.join(dataDir, 'postgres'),
  port: Number(process.env.BENCH_POSTGRES_PORT ?? 54351),
  database: 'c360',
});
const env = () => ({ ...serviceEnv({ databaseUrl: database.url, port, apiKey }), PROJECTOR: 'off' });
let service;
try {
  if (seeded?.touchpoints !== touchpoints) {
    service = startApp('c360', env());
    await waitForHealth(port, service);
    say(`Seeding ${touchpoints.toLocaleString('en')} touchpoints…`);
    const traffic = benchTraffic({ customers: Math.max(10, Math.round(touchpoints / 20)), runId: 'probe' });
    await postBatches(createClient(port, apiKey), traffic, touchpoints, { inFlight: 8 });
    writeFileSync(marker, JSON.stringify({ touchpoints }));
    await stopApp(service);
  }
  const nodeArgs = options.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=probe-${Date.now()}.cpuprofile`]
    : [];
  if (options.profile) mkdirSync(profileDir, { recursive: true });
  service = startApp('c360', env(), { nodeArgs });
  await waitForHealth(port, service);
  const client = createClient(port, apiKey);
  const names = options.only
    ? options.only.split(',')
    : (await client.get('/v1/projections')).projections.map((p) => p.name);
  for (const name of names) {
    const t0 = performance.now();
    await client.post(`/v1/projections/${encodeURIComponent(name)}/rebuild?restart=true`);
    for (;;) {
      await sleep(200);
      const { projections } = await client.get('/v1/projections');
      const rebuild = projections.find((p) => p.name === name)?.rebuild;
      if (rebuild?.state === 'failed') throw new Error(`${name}: ${rebuild.error}`);
      if (rebuild?.state === 'done') {
        const seconds = (performance.now() - t0) / 1000;
        say(
          `  ${name.padEnd(18)} ${seconds.toFixed(1).padStart(7)} s ${Math.round(rebuild.eventsDone / seconds)
            .toLocaleString('en')
            .padStart(8)} events/s  (${rebuild.eventsDone.toLocaleString('en')} events)`,
        );
        break;
      }
    }
  }
} finally {
  await stopApp(service);
  await database.stop();
}
if (options.profile) {
  const { readdirSync } = await import('node:fs');
  const latest = readdirSync(profileDir)
    .filter((f) => f.startsWith('probe-') && f.endsWith('.cpuprofile'))
    .sort()
    .at(-1);
  if (latest) say(summariseProfile(path.join(profileDir, latest), 40));
}

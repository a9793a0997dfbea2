// `npm run bench [-- --quick | --tiny] [-- --scale N] [-- --profile]`: every figure of the service on a fresh
// embedded PostgreSQL and the Kafka broker at KAFKA_BROKERS (127.0.0.1:9092), all on this machine, each after a
// warm-up and beside the physical limit of its leg. Prints each figure as it comes, writes
// results/latest.{json,md} (--tiny: results/tiny.{json,md}, or --out FILE.json). See docs/performance.md.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureInstalled, root } from '../scripts/ensure-installed.mjs';

// Before any import from node_modules or dist: a fresh clone installs and builds here.
ensureInstalled();
const { default: pg } = await import('pg');
const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    tiny: { type: 'boolean', default: false },
    scale: { type: 'string' },
    profile: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const { startEmbeddedPostgres } = await import(path.join(root, 'dist/libs/database/src/index.js'));
const { READ_MODEL_PROJECTIONS } = await import(path.join(root, 'dist/libs/read-models/src/index.js'));
const { benchTraffic, take } = await import('./lib/seed.mjs');
const { startApp, stopApp, waitForHealth, peakRssMb, freePort, sleep, serviceEnv } =
  await import('./lib/processes.mjs');
const { createClient, postBatches, cannon, cannonFigures } = await import('./lib/http-legs.mjs');
const kafkaLegs = await import('./lib/kafka-legs.mjs');
const { copyBaseline, kafkaBaseline, emmettBaseline } = await import('./lib/baselines.mjs');
const { queryEndpoints, measureQuery } = await import('./lib/queries.mjs');
const { summariseProfile } = await import('./lib/profile-summary.mjs');
const { round } = await import('./lib/stats.mjs');
const { renderMarkdown } = await import('./lib/report.mjs');

const mode = options.tiny ? 'tiny' : options.quick ? 'quick' : 'full';
const touchpoints = Number(options.scale ?? { tiny: 400, quick: 20_000, full: 1_000_000 }[mode]);
if (!Number.isInteger(touchpoints) || touchpoints < 100) {
  process.stderr.write('--scale takes a whole number of touchpoints, at least 100\n');
  process.exit(2);
}
// Each leg's size and duration, per mode. On 2 cores a --scale 150000 run takes about 7 minutes; the full run
// at 1M touchpoints takes well over half an hour, mostly catch-up and rebuild (docs/performance.md).
const plan = {
  customers: Math.max(10, Math.round(touchpoints / 20)),
  warmUpTouchpoints: { tiny: 0, quick: 2_000, full: 10_000 }[mode],
  batchSlice: Math.min({ tiny: 200, quick: 15_000, full: 100_000 }[mode], touchpoints),
  singlesSeconds: { tiny: 1, quick: 5, full: 20 }[mode],
  singlesWarmUpSeconds: { tiny: 0, quick: 1, full: 3 }[mode],
  kafkaTouchpoints: { tiny: 200, quick: 5_000, full: 50_000 }[mode],
  lagRate: { tiny: 200, quick: 2_000, full: 2_000 }[mode],
  lagSeconds: { tiny: 1, quick: 5, full: 30 }[mode],
  querySeconds: { tiny: 1, quick: 2, full: 10 }[mode],
  queryWarmUpSeconds: { tiny: 0, quick: 1, full: 3 }[mode],
  baselineTouchpoints: { tiny: 200, quick: 5_000, full: 50_000 }[mode],
};
plan.warmUpTouchpoints = Math.min(plan.warmUpTouchpoints, touchpoints - plan.batchSlice);

const runId = `${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const port = Number(process.env.BENCH_PORT ?? (mode === 'tiny' ? await freePort() : 3900));
const postgresPort = Number(process.env.BENCH_POSTGRES_PORT ?? (mode === 'tiny' ? await freePort() : 54350));
const dataDir = path.join(root, '.data', mode === 'tiny' ? `bench-tiny-${process.pid}` : 'bench');
const resultsDir = path.join(root, 'bench', 'results');
const outFile = options.out
  ? path.resolve(options.out)
  : path.join(resultsDir, mode === 'tiny' ? 'tiny.json' : 'latest.json');
const profileDir = path.join(resultsDir, 'profiles');
const apiKey = `bench-${randomUUID()}`;
const names = kafkaLegs.kafkaNames(runId);

const say = (line) => process.stdout.write(`${line}\n`);
let lastProgressLine = 0;
const progress = (line) => {
  if (process.stdout.isTTY) return process.stdout.write(`\r    ${line}\u001b[K`);
  // Into a file or a pipe: a line every few seconds is progress enough.
  if (performance.now() - lastProgressLine < 5_000) return;
  lastProgressLine = performance.now();
  process.stdout.write(`    ${line}\n`);
};
const endProgress = () => process.stdout.isTTY && process.stdout.write('\r\u001b[K');

const results = {
  mode,
  machine: {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model?.trim(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  },
  scale: { touchpoints, customers: plan.customers },
  plan,
  figures: [],
};

/** One row of the table: printed now, kept for the files. `target` is [comparison, threshold]. */
function figure(section, name, value, unit, { target, ...detail } = {}) {
  // null: the leg could not measure it (said in the detail); small values keep three decimals (ratios).
  const measured = value !== null && Number.isFinite(value);
  const row = {
    section,
    name,
    value: measured ? round(value, value < 1 ? 3 : value < 10 ? 2 : 1) : null,
    unit,
    ...detail,
  };
  if (target) {
    const [op, threshold] = target;
    row.target = `${op} ${threshold.toLocaleString('en')}`;
    row.meetsTarget = measured && (op === '≥' ? value >= threshold : value < threshold);
  }
  results.figures.push(row);
  const extra = Object.entries(detail)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  endProgress();
  say(
    `  ${section.padEnd(12)} ${name.padEnd(46)} ${String(row.value ?? 'failed').padStart(10)} ${unit.padEnd(14)}` +
      `${row.target ? ` target ${row.target} ${row.meetsTarget ? 'met' : 'MISSED'}` : ''}${extra ? `  (${extra})` : ''}`,
  );
  return row;
}

const processes = [];
let stopping = false;
/** Every app the bench starts goes through here, so that an interrupted run stops them all. */
function launch(app, env, options) {
  if (stopping) throw new Error('interrupted');
  const child = startApp(app, env, options);
  processes.push(child);
  return child;
}
let database;
const db = () => database.client;

async function startService(extraEnv = {}, profiled = false) {
  const child = launch(
    'c360',
    { ...baseEnv(), PROJECTOR: 'off', ...extraEnv },
    { nodeArgs: profiled ? profileArgs('ingestion') : [] },
  );
  await waitForHealth(port, child);
  return child;
}

function baseEnv() {
  return serviceEnv({ databaseUrl: database.url, port, apiKey });
}

function profileArgs(leg) {
  mkdirSync(profileDir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${leg}-${runId}.cpuprofile`];
}

/**
 * A poll's guard: `check(progress)` throws once `progress` has not changed for two minutes or `app` has
 * exited, with the message `stuck(progress)` gives.
 */
function stallGuard(app, stuck) {
  let last;
  let lastMoved = performance.now();
  return async (progress) => {
    if (progress !== last) [last, lastMoved] = [progress, performance.now()];
    if (performance.now() - lastMoved > 120_000 || app.exitCode !== null) {
      throw new Error(`${await stuck(last)}\n${app.output}`);
    }
  };
}

async function waitForCheckpoints(events, projector, onProgress) {
  const check = stallGuard(projector, async (last) => {
    const { rows: checkpoints } = await db().query('SELECT name, events_projected FROM c360_projection_checkpoints');
    return `the projector is stuck at ${last} of ${events} events: ${JSON.stringify(checkpoints)}`;
  });
  for (;;) {
    const { rows } = await db().query(
      `SELECT coalesce(min(events_projected), 0)::bigint AS n, count(*)::int AS c
         FROM c360_projection_checkpoints WHERE name NOT LIKE '%#%'`,
    );
    onProgress?.(Number(rows[0].n));
    if (rows[0].c === READ_MODEL_PROJECTIONS.length && Number(rows[0].n) >= events) return;
    await check(Number(rows[0].n));
    await sleep(100);
  }
}

async function countEvents() {
  return (await db().query('SELECT count(*)::int AS n FROM c360_events')).rows[0].n;
}

async function bench() {
  rmSync(dataDir, { recursive: true, force: true });
  say(
    `Customer 360 bench (${mode}): ${touchpoints.toLocaleString('en')} touchpoints about ${plan.customers.toLocaleString('en')} customers; ` +
      `${results.machine.cores} cores (${results.machine.cpu}), Node ${process.version}; Kafka at ${brokers}.`,
  );
  say('Starting a fresh embedded PostgreSQL…');
  const running = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'postgres'),
    port: postgresPort,
    database: 'c360',
  });
  database = { ...running, adminUrl: running.url.replace(/\/c360$/, '/postgres') };
  await kafkaLegs.createTopics(brokers, [names.topic, names.dlqTopic, names.rawTopic]).catch((error) => {
    throw new Error(`Cannot reach Kafka at ${brokers} (${error.message}); start one with: npm run kafka:start`);
  });

  say('Starting the service (projector off)…');
  let api = await startService({}, options.profile);
  database.client = new pg.Client({ connectionString: database.url });
  database.client.on('error', (error) => say(`    (the bench's database connection: ${error.message})`));
  await database.client.connect();
  const client = createClient(port, apiKey);
  const traffic = benchTraffic({ customers: plan.customers, runId });

  // 1. HTTP ingestion.
  if (plan.warmUpTouchpoints > 0) {
    say(`Warm-up: ${plan.warmUpTouchpoints.toLocaleString('en')} touchpoints through the batch endpoint…`);
    await postBatches(client, traffic, plan.warmUpTouchpoints, {
      onProgress: (n) => progress(`${n} / ${plan.warmUpTouchpoints}`),
    });
  }
  say(`HTTP batch ingestion: ${plan.batchSlice.toLocaleString('en')} touchpoints in batches of 500, 4 in flight…`);
  const batch = await postBatches(client, traffic, plan.batchSlice, {
    onProgress: (n) => progress(`${n.toLocaleString('en')} / ${plan.batchSlice.toLocaleString('en')}`),
  });
  figure('HTTP', 'batch ingestion (batches of 500, 4 in flight)', batch.rate, 'touchpoints/s', {
    target: ['≥', 15_000],
    measuredOn: `${plan.batchSlice} touchpoints`,
    batchP50ms: round(batch.p50),
    batchP99ms: round(batch.p99),
    ...(batch.retried ? { batchesRetriedAfter5xx: batch.retried } : {}),
  });
  say(
    `HTTP single appends at concurrency 32 (autocannon, ${plan.singlesSeconds} s after ${plan.singlesWarmUpSeconds} s of warm-up)…`,
  );
  const nextSingle = () => traffic.next().value;
  const singleRun = (seconds) =>
    cannon({ port, apiKey, seconds, connections: 32, method: 'POST', path: '/v1/touchpoints', nextBody: nextSingle });
  if (plan.singlesWarmUpSeconds > 0) await singleRun(plan.singlesWarmUpSeconds);
  const singles = cannonFigures(await singleRun(plan.singlesSeconds), 'single appends');
  figure('HTTP', 'single appends (c=32)', singles.rate, 'touchpoints/s', {
    measuredOn: `${singles.requests} touchpoints`,
    p50ms: singles.p50,
    p99ms: singles.p99,
    ...(singles.failed ? { failed: singles.failed } : {}),
  });

  const seeded = plan.warmUpTouchpoints + plan.batchSlice;
  const bulk = touchpoints - seeded;
  if (bulk > 0) {
    say(`Seeding the other ${bulk.toLocaleString('en')} touchpoints (batch endpoint, 8 in flight)…`);
    const seeding = await postBatches(client, traffic, bulk, {
      inFlight: 8,
      onProgress: (n) => n % 20_000 < 500 && progress(`${n.toLocaleString('en')} / ${bulk.toLocaleString('en')}`),
    });
    endProgress();
    say(
      `    seeded at ${Math.round(seeding.rate)} touchpoints/s${seeding.retried ? `; ${seeding.retried} batches retried after a 5xx` : ''}`,
    );
    results.seeding = { touchpoints: bulk, rate: round(seeding.rate), batchesRetriedAfter5xx: seeding.retried };
  }
  // 5. Memory under the ingestion load.
  figure('Memory', 'service peak RSS under ingestion', peakRssMb(api.pid), 'MB', { target: ['<', 400] });
  if (options.profile) {
    await stopApp(api);
    api = await startService();
  }

  // 2. Kafka ingestion: the ingestor app on a topic of this run's own.
  say(
    `Kafka ingestion: ${plan.kafkaTouchpoints.toLocaleString('en')} touchpoints through the ingestor (topic ${names.topic})…`,
  );
  const ingestor = launch('ingestor', {
    ...baseEnv(),
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC: names.topic,
    KAFKA_DLQ_TOPIC: names.dlqTopic,
    KAFKA_GROUP_ID: names.groupId,
  });
  // Existing customers only: each touchpoint is one event, as the count of committed messages assumes.
  const kafkaTraffic = benchTraffic({ customers: plan.customers, runId: `${runId}-k`, seed: 361, identities: false });
  const kafkaWarmUp = Math.min(1_000, Math.round(plan.kafkaTouchpoints / 10));
  await kafkaLegs.kafkaIngestion({ brokers, names, traffic: kafkaTraffic, count: kafkaWarmUp });
  const kafkaMessages = take(
    benchTraffic({ customers: plan.customers, runId: `${runId}-kb`, seed: 362, identities: false }),
    plan.baselineTouchpoints,
  );
  const kafka = await kafkaLegs.kafkaIngestion({
    brokers,
    names,
    traffic: kafkaTraffic,
    count: plan.kafkaTouchpoints,
    onProgress: (done, published) => progress(`published ${published}, appended and committed ${done}`),
  });
  figure('Kafka', 'ingestion, publish → durable append', kafka.rate, 'touchpoints/s', {
    target: ['≥', 10_000],
    measuredOn: `${plan.kafkaTouchpoints} touchpoints`,
    publishedAt: `${Math.round(kafka.publishRate)}/s`,
  });
  figure('Memory', 'ingestor peak RSS', peakRssMb(ingestor.pid), 'MB');

  const events = await countEvents();
  const size = (await db().query("SELECT pg_total_relation_size('c360_events') AS bytes")).rows[0];
  figure('Storage', 'stored per event (table + indexes)', Number(size.bytes) / events, 'bytes', { events });

  // 3. Projection: catch-up of every projection on everything stored, then a rebuild of each from scratch.
  say(`Projector catching up on ${events.toLocaleString('en')} events, ${READ_MODEL_PROJECTIONS.length} projections…`);
  let projector = launch(
    'projector',
    { ...baseEnv(), PROJECTOR_BATCH_SIZE: '2000' },
    { nodeArgs: options.profile ? profileArgs('projector') : [] },
  );
  let t0 = performance.now();
  await waitForCheckpoints(events, projector, (n) =>
    progress(`${n.toLocaleString('en')} / ${events.toLocaleString('en')} (slowest projection)`),
  );
  const catchUpSeconds = (performance.now() - t0) / 1000;
  figure('Projection', `catch-up (${READ_MODEL_PROJECTIONS.length} projections)`, events / catchUpSeconds, 'events/s', {
    target: ['≥', 15_000],
    measuredOn: `${events} events`,
    seconds: round(catchUpSeconds),
  });
  figure('Memory', 'projector peak RSS', peakRssMb(projector.pid), 'MB');
  if (options.profile) {
    await stopApp(projector);
    projector = launch('projector', { ...baseEnv(), PROJECTOR_BATCH_SIZE: '2000' });
  }

  say(`Rebuilding every projection from the first event (POST /v1/projections/:name/rebuild, all at once)…`);
  t0 = performance.now();
  const projectionNames = (await client.get('/v1/projections')).projections.map((p) => p.name);
  for (const name of projectionNames)
    await client.post(`/v1/projections/${encodeURIComponent(name)}/rebuild?restart=true`);
  const checkRebuild = stallGuard(api, (last) => `the rebuild is stuck at: ${last}`);
  for (;;) {
    await sleep(200);
    const { projections } = await client.get('/v1/projections');
    const rebuilds = projections.map((p) => p.rebuild);
    const failed = rebuilds.find((r) => r?.state === 'failed');
    if (failed) throw new Error(`the rebuild of ${failed.projection} failed: ${failed.error}`);
    const done = rebuilds.filter((r) => r?.state === 'done').length;
    const state = `${done} of ${rebuilds.length} swapped in; ${rebuilds.map((r) => (r && typeof r === 'object' ? `${r.projection} ${r.eventsDone}` : '')).join(', ')}`;
    progress(state);
    if (done === rebuilds.length) break;
    await checkRebuild(state);
  }
  figure('Projection', `rebuild of every projection from scratch`, (performance.now() - t0) / 1000, 's', {
    target: ['<', 90],
    measuredOn: `${events} events`,
  });

  // 2b. End-to-end lag at a fixed rate, with the ingestor and the projector live.
  await waitForCheckpoints(await countEvents(), projector);
  say(`End-to-end lag: ${plan.lagRate}/s for ${plan.lagSeconds} s, publish → visible on the timeline…`);
  const lag = await kafkaLegs.endToEndLag({
    brokers,
    names,
    traffic: kafkaTraffic,
    rate: plan.lagRate,
    seconds: plan.lagSeconds,
    db: db(),
  });
  figure('Kafka', `end-to-end lag p50 at ${plan.lagRate}/s`, lag.p50, 'ms', {
    samples: lag.samples,
    publishedAt: `${lag.achieved}/s`,
  });
  figure('Kafka', `end-to-end lag p99 at ${plan.lagRate}/s`, lag.p99, 'ms', {
    target: ['<', 1000],
    samples: lag.samples,
  });
  await stopApp(ingestor);

  // 4. Queries over real customers.
  const customerIds = (
    await db().query('SELECT customer_id FROM c360_customer_profiles ORDER BY md5(customer_id) LIMIT 500')
  ).rows.map((r) => r.customer_id);
  const { rows: span } = await db().query(
    "SELECT to_char(min(occurred_at), 'YYYY-MM-DD') AS from, to_char(max(occurred_at), 'YYYY-MM-DD') AS to FROM c360_timeline",
  );
  say(
    `Queries at concurrency 16 (autocannon, ${plan.querySeconds} s each after ${plan.queryWarmUpSeconds} s of warm-up) over ${customerIds.length} customers…`,
  );
  for (const endpoint of queryEndpoints(span[0])) {
    let q;
    try {
      q = await measureQuery({
        port,
        apiKey,
        endpoint,
        customerIds,
        seconds: plan.querySeconds,
        warmUpSeconds: plan.queryWarmUpSeconds,
      });
    } catch (error) {
      // E.g. every request cancelled at QUERY_TIMEOUT_MS (503): a finding, and the other endpoints still run.
      figure('Queries', `${endpoint.name} p99`, null, 'ms', { target: ['<', 15], failed: error.message });
      continue;
    }
    figure('Queries', `${endpoint.name} p99`, q.p99, 'ms', {
      target: ['<', 15],
      p50ms: q.p50,
      reqPerS: round(q.rate),
      path: endpoint.path.split('?')[0],
      ...(q.measuredOn === 'time'
        ? {}
        : { measuredOn: `${q.measuredOn} (too slow for the ${plan.querySeconds} s window)` }),
      ...(q.failed ? { failed: q.failed } : {}),
    });
  }
  await stopApp(projector);
  await stopApp(api);
  client.close();

  // 6. The physical limit of each leg, and a peer event store.
  say('Limits of each leg on the same data: PostgreSQL COPY, raw kafkajs, Emmett on the same PostgreSQL…');
  const copy = await copyBaseline(db(), plan.batchSlice);
  const copyRow = figure('Limits', 'PostgreSQL COPY of the same event rows', copy.rate, 'rows/s', {
    measuredOn: `${copy.rows} rows`,
  });
  const raw = await kafkaBaseline({ brokers, names, touchpoints: kafkaMessages });
  const rawRow = figure('Limits', 'raw kafkajs produce → consume', raw.rate, 'messages/s', {
    measuredOn: `${kafkaMessages.length} messages`,
  });
  const emmettTouchpoints = take(
    benchTraffic({ customers: plan.customers, runId: `${runId}-e`, seed: 363 }),
    plan.baselineTouchpoints,
  );
  const emmett = await emmettBaseline({ adminUrl: database.adminUrl, touchpoints: emmettTouchpoints });
  const emmettRow = figure(
    'Limits',
    'Emmett PostgreSQL store, 10 events per append, 16 at once',
    emmett.rate,
    'events/s',
    {
      measuredOn: `${emmettTouchpoints.length} events`,
    },
  );
  const batchRow = results.figures.find((f) => f.name.startsWith('batch ingestion'));
  const kafkaRow = results.figures.find((f) => f.name.startsWith('ingestion, publish'));
  figure('Ratios', 'HTTP batch ingestion / PostgreSQL COPY', batchRow.value / copyRow.value, 'ratio');
  figure('Ratios', 'Kafka ingestion / raw kafkajs', kafkaRow.value / rawRow.value, 'ratio');
  figure('Ratios', 'HTTP batch ingestion / Emmett appends', batchRow.value / emmettRow.value, 'ratio');
  await database.client.end();
}

let cleaning;
/** Once, whoever asks first (the end of the run or a signal); the others wait for the same. */
function cleanUp() {
  cleaning ??= stopEverything();
  return cleaning;
}

async function stopEverything() {
  for (const child of processes) await stopApp(child).catch(() => undefined);
  await database?.client?.end().catch(() => undefined);
  await database?.stop().catch(() => undefined);
  await kafkaLegs.deleteTopics(
    brokers,
    [names.topic, names.dlqTopic, names.rawTopic],
    [names.groupId, names.rawGroupId],
  );
  if (mode === 'tiny') rmSync(dataDir, { recursive: true, force: true });
}

// Interrupted (Ctrl-C, a time-out): the apps and PostgreSQL it started stop with it.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    say(`\n${signal}: stopping the apps and PostgreSQL…`);
    stopping = true;
    cleanUp().finally(() => process.exit(130));
  });
}
let failure;
const startedAt = performance.now();
try {
  await bench();
} catch (error) {
  failure = error;
} finally {
  await cleanUp();
}
if (failure) {
  for (const child of processes) {
    if (child.output.trim())
      process.stderr.write(`\n--- last output of ${child.spawnargs.at(-1)} ---\n${child.output.slice(-4000)}\n`);
  }
  process.stderr.write(`\nThe bench failed: ${failure.stack ?? failure}\n`);
  process.exit(1);
}
results.ranAt = new Date().toISOString();
results.durationSeconds = Math.round((performance.now() - startedAt) / 1000);
if (options.profile) {
  for (const file of readdirSync(profileDir).filter((f) => f.endsWith(`${runId}.cpuprofile`))) {
    const summary = summariseProfile(path.join(profileDir, file));
    writeFileSync(path.join(profileDir, file.replace('.cpuprofile', '.txt')), summary);
    say(`\nProfile ${file} (top self time):\n${summary}`);
  }
}
const md = renderMarkdown(results);
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(outFile.replace(/\.json$/, '.md'), md);
say(`\n${md}\nWritten to ${path.relative(process.cwd(), outFile)} and its .md`);

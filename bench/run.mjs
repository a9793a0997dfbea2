// `npm run bench [-- --quick] [-- --scale N]`: ingestion, projection and storage figures of the built
// service on a fresh embedded PostgreSQL, all on 127.0.0.1. Prints progress and writes results/latest.{json,md}.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureInstalled, root } from '../scripts/ensure-installed.mjs';

ensureInstalled();
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const scaleArg = args.indexOf('--scale');
const scale = scaleArg >= 0 ? Number(args[scaleArg + 1]) : quick ? 20_000 : 200_000;
const PORT = 3900;
const API_KEY = `bench-${randomUUID()}`;
const dataDir = path.join(root, '.data', 'bench');
const env = {
  ...process.env,
  DATA_DIR: dataDir,
  EMBEDDED_POSTGRES_PORT: '54350',
  PORT: String(PORT),
  API_KEY,
  LOG_LEVEL: 'warn',
  DATABASE_POOL_SIZE: '16',
};
const say = (line) => process.stdout.write(`${line}\n`);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function start(app, extraEnv = {}) {
  const child = spawn(process.execPath, [path.join(root, `dist/apps/${app}/src/main.js`)], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return child;
}

function post(pathname, body) {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: PORT,
        path: pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'x-api-key': API_KEY,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function waitForHealth() {
  for (let i = 0; i < 600; i++) {
    try {
      await new Promise((resolve, reject) =>
        http
          .get(
            { host: '127.0.0.1', port: PORT, path: '/health', agent },
            (r) => (r.resume(), r.statusCode === 200 ? resolve() : reject()),
          )
          .on('error', reject),
      );
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('the service did not come up');
}

const customers = 5_000;
function touchpoint(i) {
  const customerId = `bench-${i % customers}`;
  const kind = i % 4;
  const base = {
    touchpointId: `bench-${randomUUID()}`,
    occurredAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
    customer: { customerId },
  };
  if (kind === 0)
    return {
      ...base,
      channel: 'store',
      type: 'purchase',
      data: {
        orderId: `o-${i}`,
        currency: 'EUR',
        lines: [{ sku: `SKU-${i % 300}`, category: 'shoes', quantity: 1, unitPrice: 59.9 }],
      },
    };
  if (kind === 1)
    return {
      ...base,
      channel: 'call-center',
      type: 'call',
      data: { reason: 'delivery', durationSeconds: 240, outcome: 'resolved' },
    };
  if (kind === 2)
    return { ...base, channel: 'web', type: 'page-view', data: { url: `/p/${i % 300}`, sessionId: `s-${i % 9000}` } };
  return { ...base, channel: 'email', type: 'email-opened', data: { campaignId: `cmp-${i % 12}` } };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function rssPeakMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
}

async function bench() {
  rmSync(dataDir, { recursive: true, force: true });
  const results = {
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    scale,
    figures: [],
  };
  const figure = (name, value, unit, extra = {}) => {
    results.figures.push({ name, value: Math.round(value * 10) / 10, unit, ...extra });
    say(
      `  ${name}: ${Math.round(value * 10) / 10} ${unit}${Object.keys(extra).length ? ' ' + JSON.stringify(extra) : ''}`,
    );
  };

  say(`Starting the service (projector off) on a fresh embedded PostgreSQL; ${scale} touchpoints…`);
  const api = start('c360', { PROJECTOR: 'off' });
  await waitForHealth();

  say('HTTP batch ingestion (batches of 500, 4 in flight)…');
  let next = 0;
  const batchTotal = scale;
  let t0 = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batchTotal) {
        const from = next;
        next += 500;
        await post('/v1/touchpoints/batch', {
          touchpoints: Array.from({ length: Math.min(500, batchTotal - from) }, (_, k) => touchpoint(from + k)),
        });
        if (Math.floor(next / 20_000) !== Math.floor(from / 20_000))
          say(`    ${Math.min(next, batchTotal)} / ${batchTotal}`);
      }
    }),
  );
  figure('HTTP batch ingestion', batchTotal / ((performance.now() - t0) / 1000), 'touchpoints/s');

  say('HTTP single appends at concurrency 32…');
  const singles = quick ? 5_000 : 20_000;
  const latencies = [];
  let sent = 0;
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (sent < singles) {
        const i = batchTotal + sent++;
        const s = performance.now();
        await post('/v1/touchpoints', touchpoint(i));
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  figure('HTTP single appends (c=32)', singles / seconds, 'touchpoints/s', {
    p50ms: Math.round(percentile(latencies, 50) * 10) / 10,
    p99ms: Math.round(percentile(latencies, 99) * 10) / 10,
  });
  figure('service peak RSS under ingestion', rssPeakMb(api.pid), 'MB');
  const total = batchTotal + singles;

  const url = `postgres://postgres:${encodeURIComponent(readFileSync(path.join(dataDir, 'postgres', 'password'), 'utf8').trim())}@127.0.0.1:54350/c360`;
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const size = (
    await db.query("SELECT pg_total_relation_size('c360_events') AS bytes, count(*)::int AS n FROM c360_events")
  ).rows[0];
  figure('stored per event (table + indexes)', Number(size.bytes) / size.n, 'bytes', { events: size.n });

  const { READ_MODEL_PROJECTIONS } = await import(path.join(root, 'dist/libs/read-models/src/index.js'));
  const projections = READ_MODEL_PROJECTIONS.length;
  const events = size.n;
  say(
    `Projector catching up on ${events} events (${total} touchpoints and their identity links), ${projections} projections…`,
  );
  const projector = start('projector', { PROJECTOR_BATCH_SIZE: '2000' });
  t0 = performance.now();
  for (;;) {
    const rows = (
      await db.query(
        'SELECT coalesce(min(events_projected), 0)::int AS n, count(*)::int AS c FROM c360_projection_checkpoints',
      )
    ).rows[0];
    if (rows.c === projections && rows.n >= events) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  figure(`projector catch-up (${projections} projections)`, events / ((performance.now() - t0) / 1000), 'events/s');
  figure('projector peak RSS', rssPeakMb(projector.pid), 'MB');

  await db.end();
  for (const child of [api, projector]) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  agent.destroy();
  return results;
}

const results = await bench();
results.ranAt = new Date().toISOString();
const md = [
  `# Benchmark (${results.ranAt})`,
  '',
  `Machine: ${results.machine.cpus} cores (${results.machine.cpu}), ${results.machine.memoryGb} GiB, Node ${results.machine.node}; ${results.scale} touchpoints.`,
  '',
  '| figure | value | unit | detail |',
  '| --- | ---: | --- | --- |',
  ...results.figures.map(
    (f) =>
      `| ${f.name} | ${f.value} | ${f.unit} | ${Object.entries(f)
        .filter(([k]) => !['name', 'value', 'unit'].includes(k))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} |`,
  ),
  '',
].join('\n');
writeFileSync(path.join(root, 'bench/results/latest.json'), JSON.stringify(results, null, 2));
writeFileSync(path.join(root, 'bench/results/latest.md'), md);
say(`\n${md}\nWritten to bench/results/latest.json and latest.md`);

// Starting, watching and stopping the built apps the bench measures.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { root } from '../../scripts/ensure-installed.mjs';

/** Starts `dist/apps/<app>`; `nodeArgs` e.g. `--cpu-prof`. Its stderr goes to ours, its stdout is kept quiet. */
export function startApp(app, env, { nodeArgs = [], args = [] } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, `dist/apps/${app}/src/main.js`), ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.output = '';
  child.stdout.on('data', (chunk) => {
    child.output = (child.output + chunk).slice(-20_000);
  });
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return child;
}

/** The environment the bench runs the apps with: quiet logs, no rate limit, no Kafka unless a leg sets it. */
export function serviceEnv({ databaseUrl, port, apiKey }) {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    API_KEY: apiKey,
    LOG_LEVEL: 'warn',
    DATABASE_POOL_SIZE: '16',
    RATE_LIMIT_PER_MINUTE: '100000000',
    KAFKA_BROKERS: '',
  };
}

export async function stopApp(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await child.exited;
  clearTimeout(timer);
}

// Generous: the first start after a fresh build, on two busy cores, has been seen to take over two minutes.
export async function waitForHealth(port, child, timeoutMs = 300_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}):\n${child.output}`);
    const ok = await new Promise((resolve) =>
      http
        .get({ host: '127.0.0.1', port, path: '/health' }, (r) => (r.resume(), resolve(r.statusCode === 200)))
        .on('error', () => resolve(false)),
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the service did not come up on port ${port}:\n${child.output}`);
}

/** Peak resident set size of a live process, in MB. */
export function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
}

/** A TCP port nobody listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

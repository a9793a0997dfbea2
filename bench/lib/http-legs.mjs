// HTTP ingestion: batches of 500 with several in flight (also how the bulk of the data is seeded), and single
// appends at concurrency 32 through autocannon.
import http from 'node:http';
import autocannon from 'autocannon';
import { take } from './seed.mjs';
import { percentile } from './stats.mjs';

export function createClient(port, apiKey) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const request = (method, pathname, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: pathname,
          method,
          agent,
          headers: {
            'x-api-key': apiKey,
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            if (res.statusCode >= 300)
              return reject(new Error(`${method} ${pathname}: HTTP ${res.statusCode} ${text}`));
            resolve(text && res.headers['content-type']?.includes('json') ? JSON.parse(text) : text);
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    get: (pathname) => request('GET', pathname),
    post: (pathname, body) => request('POST', pathname, body),
    close: () => agent.destroy(),
  };
}

/**
 * Posts `count` touchpoints of `traffic` in batches of `batchSize`, `inFlight` at once; returns the rate and
 * each batch's latency. `onProgress(done)` is called after each batch.
 */
export async function postBatches(client, traffic, count, { batchSize = 500, inFlight = 4, onProgress } = {}) {
  let next = 0;
  let done = 0;
  let retried = 0;
  const latencies = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const size = Math.min(batchSize, count - next);
        next += size;
        const touchpoints = take(traffic, size);
        const s = performance.now();
        // A 500 (seen: "deadlock detected" between concurrent batches) is retried, and counted in the figure:
        // touchpoint ids make a retry idempotent.
        for (let attempt = 1; ; attempt++) {
          try {
            await client.post('/v1/touchpoints/batch', { touchpoints });
            break;
          } catch (error) {
            if (!/HTTP 5\d\d/.test(error.message) || attempt >= 5) throw error;
            retried++;
          }
        }
        latencies.push(performance.now() - s);
        done += size;
        onProgress?.(done);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: count / seconds, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), retried };
}

/** autocannon against one URL for `seconds`; `next()` gives each request's path or body. */
export function cannon({
  port,
  apiKey,
  seconds,
  amount,
  connections,
  method = 'GET',
  path: fixedPath,
  nextPath,
  nextBody,
}) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections,
        ...(amount ? { amount } : { duration: seconds }),
        timeout: amount ? 300 : 30,
        headers: { 'x-api-key': apiKey, ...(nextBody ? { 'content-type': 'application/json' } : {}) },
        requests: [
          {
            method,
            path: fixedPath ?? '/',
            setupRequest: (req) => ({
              ...req,
              ...(nextPath ? { path: nextPath() } : {}),
              ...(nextBody ? { body: JSON.stringify(nextBody()) } : {}),
            }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** The figures of an autocannon result; failed requests are counted in them, and a leg where all failed throws. */
export function cannonFigures(result, what) {
  const failed = result.errors + result.timeouts + result.non2xx;
  const codes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
  if (failed >= result.requests.total) {
    throw new Error(
      `${what}: every request failed (${result.non2xx} non-2xx, ${result.errors} errors, ` +
        `${result.timeouts} time-outs; status codes ${JSON.stringify(codes)})`,
    );
  }
  return {
    requests: result.requests.total,
    rate: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ...(failed > 0 ? { failed: `${failed} (status codes ${JSON.stringify(codes)})` } : {}),
  };
}

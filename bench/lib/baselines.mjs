// The physical limit of each leg, measured in the same run on the same data: PostgreSQL COPY of the same
// event rows into a bare table, raw kafkajs produce → consume of the same messages, and a peer event store
// (Emmett's PostgreSQL store) appending the same events to per-customer streams.
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { root } from '../../scripts/ensure-installed.mjs';
import { sleep } from './processes.mjs';

const { createKafka } = await import(path.join(root, 'dist/libs/messaging/src/index.js'));
const { resolveCustomerId, EVENT_TYPE_OF_TOUCHPOINT } = await import(path.join(root, 'dist/libs/domain/src/index.js'));

/** COPY of `count` rows of c360_events (as stored, every column) into a bare table with the same columns. */
export async function copyBaseline(db, count) {
  await db.query('DROP TABLE IF EXISTS bench_copy_events');
  await db.query('CREATE TABLE bench_copy_events AS TABLE c360_events WITH NO DATA');
  const chunks = [];
  const out = db.query(
    copyStreams.to(
      `COPY (SELECT * FROM c360_events ORDER BY transaction_id, sequence LIMIT ${Number(count)}) TO STDOUT`,
    ),
  );
  for await (const chunk of out) chunks.push(chunk);
  const bytes = chunks.reduce((n, c) => n + c.length, 0);
  const t0 = performance.now();
  await pipeline(Readable.from(chunks), db.query(copyStreams.from('COPY bench_copy_events FROM STDIN')));
  const seconds = (performance.now() - t0) / 1000;
  const { rows } = await db.query('SELECT count(*)::int AS n FROM bench_copy_events');
  await db.query('DROP TABLE bench_copy_events');
  return { rate: rows[0].n / seconds, rows: rows[0].n, megabytes: bytes / 2 ** 20 };
}

/** Raw kafkajs: the same JSON messages, produced in batches of 500 (acks from all) and consumed by a group. */
export async function kafkaBaseline({ brokers, names, touchpoints }) {
  const kafka = createKafka(brokers, 'c360-bench-raw');
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: names.rawGroupId });
  const messages = touchpoints.map((t) => ({ key: resolveCustomerId(t.customer), value: JSON.stringify(t) }));
  await Promise.all([producer.connect(), consumer.connect()]);
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  await consumer.subscribe({ topic: names.rawTopic, fromBeginning: true });
  let consumed = 0;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      consumed += batch.messages.length;
    },
  });
  await joined;
  const t0 = performance.now();
  for (let i = 0; i < messages.length; i += 500) {
    await producer.send({ topic: names.rawTopic, acks: -1, messages: messages.slice(i, i + 500) });
  }
  while (consumed < messages.length) {
    await sleep(10);
    if (performance.now() - t0 > 10 * 60_000) throw new Error(`raw Kafka: ${consumed} of ${messages.length} consumed`);
  }
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  return { rate: messages.length / seconds };
}

/**
 * Emmett's PostgreSQL event store in a database of its own on the same server: the same touchpoints as
 * events, appended 10 per call to per-customer streams, `concurrency` calls at once.
 */
export async function emmettBaseline({ adminUrl, touchpoints, concurrency = 16 }) {
  const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS bench_emmett WITH (FORCE)');
  await admin.query('CREATE DATABASE bench_emmett');
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = '/bench_emmett';
  const store = getPostgreSQLEventStore(url.toString(), { connectionOptions: { pooled: true } });
  try {
    // The schema is created on the first append: not part of the figure.
    await store.appendToStream('bench-warm-up', [{ type: 'WarmedUp', data: {} }]);
    const byCustomer = new Map();
    for (const t of touchpoints) {
      const id = resolveCustomerId(t.customer);
      const list = byCustomer.get(id) ?? [];
      list.push({
        type: EVENT_TYPE_OF_TOUCHPOINT[t.type],
        data: t.data,
        metadata: { touchpointId: t.touchpointId, channel: t.channel, occurredAt: t.occurredAt },
      });
      byCustomer.set(id, list);
    }
    // Customers interleaved the way traffic arrives; never two calls on one stream at once.
    const calls = [];
    const streams = [...byCustomer].map(([id, events]) => ({ stream: `customer-${id}`, events }));
    for (let i = 0; streams.some((s) => s.events.length > i); i += 10) {
      for (const s of streams) if (s.events.length > i) calls.push([s.stream, s.events.slice(i, i + 10)]);
    }
    let next = 0;
    const busy = new Set();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < calls.length) {
          const [stream, events] = calls[next++];
          while (busy.has(stream)) await sleep(1);
          busy.add(stream);
          await store.appendToStream(stream, events);
          busy.delete(stream);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return { rate: touchpoints.length / seconds, calls: calls.length };
  } finally {
    await store.close();
  }
}

// Property-based fuzzing of Kafka ingestion: about a thousand valid, broken and random messages (and raw bytes,
// empty values, tombstones) go through a running ingestor. Each must end up appended or dead-lettered, as decided
// by how it was built, never by asking the system; the event store must then hold exactly the valid ones and the
// dead-letter topic exactly the others, each with its reason and its original bytes.
//
// The fast-check seed is printed when the file starts; replay a run with FUZZ_SEED=<seed>.
import { PostgresEventStore } from '@c360/event-store';
import { DLQ_HEADERS, type TouchpointIngestor } from '@c360/messaging';
import {
  createTestDatabase,
  eventually,
  type TestDatabase,
  fuzzRun,
  jsonCase,
  mutatedCase,
  rawCase,
  serialize,
  validCase,
  asCase,
  type Case,
} from '@c360/testing';
import fc from 'fast-check';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import pg from 'pg';
import { anIdentityIndex, anIngestor, kafkaClient, readTopic, uniqueTopics } from './kafka-harness.js';

// ---- what goes to Kafka ----

const { seed: SEED, run: RUN, materialize } = fuzzRun();
const MESSAGES = 1000;
const PARTITIONS = 3; // as the harness creates the topic
const STALL_MS = 30_000;

/** Messages no channel should send: bytes that are not UTF-8 or not JSON, empty values and tombstones. */
const bytesCase: fc.Arbitrary<Case> = fc.oneof(
  fc
    .uint8Array({ minLength: 1, maxLength: 300 })
    .map((bytes) => asCase({ label: 'invalid, random bytes', valid: false, body: undefined, bytes })),
  fc.constant(asCase({ label: 'invalid, empty value', valid: false, body: undefined, raw: '' })),
  fc.constant(asCase({ label: 'invalid, null value (tombstone)', valid: false, body: undefined, bytes: null })),
);
const kafkaCase = fc.oneof(
  { weight: 8, arbitrary: validCase },
  { weight: 8, arbitrary: mutatedCase },
  { weight: 2, arbitrary: jsonCase },
  { weight: 2, arbitrary: rawCase },
  { weight: 1, arbitrary: bytesCase },
);

const REASONS: readonly string[] = ['MALFORMED_JSON', 'VALIDATION_FAILED', 'EMPTY_MESSAGE'];

interface Published {
  key: string;
  c: Case;
  id?: string;
  value: Buffer | null;
  /** Where it must end: 'stored' in the event store, or the dead-letter topic with this reason. */
  expected: string;
  partition: number;
  offset?: string;
}

/** The reason follows from the bytes alone: none, not JSON (RFC 8259, as JSON.parse reads it), or JSON. */
function expectedOutcome(c: Case, value: Buffer | null): Published['expected'] {
  if (c.valid) return 'stored';
  if (value === null || value.length === 0) return 'EMPTY_MESSAGE';
  try {
    JSON.parse(value.toString('utf8'));
    return 'VALIDATION_FAILED';
  } catch {
    return 'MALFORMED_JSON';
  }
}

describe('ingestion from Kafka under fuzzing (a real broker, a running ingestor)', () => {
  const topics = uniqueTopics();
  let database: TestDatabase;
  let store: PostgresEventStore;
  let identity: Awaited<ReturnType<typeof anIdentityIndex>>;
  let db: pg.Client;
  let kafka: Kafka;
  let producer: Producer;
  let ingestor: TouchpointIngestor;
  const published: Published[] = [];
  /** Why the ingestor's consumer crashed, if it did (kafkajs then restarts it on the same messages). */
  const crashes: string[] = [];

  const labelled = (list: Published[], atMost = 25) => {
    const described = list.slice(0, atMost).map((p) => `${p.key} ${fc.stringify(p.c)}`);
    return list.length > atMost ? [...described, `… and ${list.length - atMost} more`] : described;
  };

  /** When the ingestor stops making progress: where each partition is stuck, and on which messages. */
  async function whereStuck(): Promise<string> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: topics.groupId, topics: [topics.topic] });
      const lines = (committed?.partitions ?? []).map(({ partition, offset }) => {
        const next = published.filter((p) => p.partition === partition && BigInt(p.offset!) >= BigInt(offset));
        if (next.length === 0) return `partition ${partition}: done`;
        return `partition ${partition}: committed up to offset ${offset}; the messages from there:\n      ${labelled(next, 10).join('\n      ')}`;
      });
      const crashed = crashes.length
        ? `\n    its consumer crashed ${crashes.length} time(s), last with: ${crashes[crashes.length - 1]}`
        : '';
      return `${JSON.stringify(ingestor.status)}${crashed}\n    ${lines.join('\n    ')}`;
    } finally {
      await admin.disconnect();
    }
  }

  beforeAll(async () => {
    console.info(`Kafka fuzz: fast-check seed ${SEED} (replay with FUZZ_SEED=${SEED}), topic ${topics.topic}`);
    database = await createTestDatabase();
    store = new PostgresEventStore({ connectionString: database.url, poolSize: 4 });
    identity = await anIdentityIndex(database.url);
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    kafka = kafkaClient();
    producer = kafka.producer();
    await producer.connect();
    ingestor = anIngestor(kafka, store, topics, identity.identity);
    // Diagnostics only: what made the consumer crash, should a message do that.
    const { consumer } = ingestor as unknown as { consumer: Consumer };
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      const error = ((payload.error as Error & { cause?: Error }).cause ?? payload.error) as Error;
      crashes.push(`${error.name}: ${error.message} ${error.stack?.split('\n')[1]?.trim() ?? ''}`);
    });
    await ingestor.start(); // creates the topic with its partitions
  });
  afterAll(async () => {
    // A stuck ingestor must not keep the file from ending.
    const stopped = ingestor?.stop().catch(() => undefined);
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 20_000).unref())]);
    await producer?.disconnect();
    await db?.end();
    await store?.close();
    await identity?.dataSource.destroy();
    await database?.drop();
  });

  it('appends every valid message and dead-letters every other one, with its reason and its bytes', async () => {
    fc.sample(kafkaCase, { seed: SEED, numRuns: MESSAGES }).forEach((c, i) => {
      const { body, id } = materialize(c.body);
      const value =
        c.bytes !== undefined ? c.bytes && Buffer.from(c.bytes) : Buffer.from(c.raw ?? serialize(body), 'utf8');
      const key = `${RUN}-m${i}`;
      published.push({ key, c, id, value, expected: expectedOutcome(c, value), partition: i % PARTITIONS });
    });
    for (let start = 0; start < published.length; start += 250) {
      const chunk = published.slice(start, start + 250);
      const metadata = await producer.send({
        topic: topics.topic,
        acks: -1,
        messages: chunk.map(({ key, value, partition }) => ({ key, value, partition })),
      });
      // Within one send, the messages of a partition get consecutive offsets, in order.
      for (const { partition, baseOffset } of metadata) {
        chunk
          .filter((p) => p.partition === partition)
          .forEach((p, i) => (p.offset = (BigInt(baseOffset!) + BigInt(i)).toString()));
      }
    }
    const valid = published.filter((p) => p.expected === 'stored');
    const invalid = published.filter((p) => p.expected !== 'stored');

    // Waits for every message to be appended or dead-lettered; gives up early once no message moves for a while.
    let last = -1;
    let lastMovedAt = Date.now();
    try {
      await eventually(
        async () => {
          const n = ingestor.status.stored + ingestor.status.deadLettered;
          if (n !== last) [last, lastMovedAt] = [n, Date.now()];
          else if (Date.now() - lastMovedAt > STALL_MS)
            throw new Error(`no message moved for ${STALL_MS / 1000} s (${n} done)`);
          return n;
        },
        (n) => n >= published.length,
        { timeoutMs: 120_000, intervalMs: 100, what: `${published.length} messages appended or dead-lettered` },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n  The ingestor is stuck: ${await whereStuck()}`, { cause: error });
    }
    const { rows } = await db.query<{ id: string | null }>(
      `SELECT metadata->>'touchpointId' AS id FROM c360_events
        WHERE type NOT IN ('IdentityLinked', 'CustomersMerged', 'CustomersUnmerged')`,
    );
    const stored = new Set(rows.map((r) => r.id));
    const byId = new Map(published.filter((p) => p.id).map((p) => [p.id!, p]));
    expect({
      storedTwice: rows.length - stored.size,
      validButNotStored: labelled(valid.filter((p) => !stored.has(p.id!))),
      invalidButStored: labelled(invalid.filter((p) => p.id !== undefined && stored.has(p.id))),
      storedButNeverPublished: [...stored].filter((id) => !byId.has(id ?? '')),
    }).toEqual({ storedTwice: 0, validButNotStored: [], invalidButStored: [], storedButNeverPublished: [] });
    expect(ingestor.status).toMatchObject({ stored: valid.length, duplicates: 0, deadLettered: invalid.length });

    // The dead-letter topic holds exactly the invalid messages: count its offsets, then read them all.
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topics.dlqTopic).finally(() => admin.disconnect());
    expect(ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0)).toBe(invalid.length);
    const dead = await readTopic(kafka, topics.dlqTopic, invalid.length, 60_000);
    const byKey = new Map(published.map((p) => [p.key, p]));
    const wrong: string[] = [];
    const seen = new Set<string>();
    for (const record of dead) {
      const key = record.key?.toString() ?? '';
      const reason = record.headers?.[DLQ_HEADERS.reason]?.toString();
      const original = byKey.get(key);
      if (!original) wrong.push(`${key}: never published`);
      else if (seen.has(key)) wrong.push(`${key}: dead-lettered twice`);
      else if (original.expected === 'stored')
        wrong.push(`${key}: valid, yet dead-lettered (${reason}) ${fc.stringify(original.c)}`);
      else if (!reason || !REASONS.includes(reason))
        wrong.push(`${key}: reason ${JSON.stringify(reason)} is not one of ${REASONS.join(', ')}`);
      else if (reason !== original.expected)
        wrong.push(`${key}: reason ${reason} instead of ${original.expected} ${fc.stringify(original.c)}`);
      else if (!(record.value ?? Buffer.alloc(0)).equals(original.value ?? Buffer.alloc(0)))
        wrong.push(`${key}: bytes changed`);
      seen.add(key);
    }
    expect(wrong.slice(0, 25)).toEqual([]);
    expect(labelled(invalid.filter((p) => !seen.has(p.key)))).toEqual([]);
  }, 180_000);
});

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { PostgresEventStore } from '@c360/event-store';
import { DLQ_HEADERS, TouchpointPublisher, type TouchpointIngestor } from '@c360/messaging';
import { aCall, aPageView, aPurchase, createTestDatabase, eventually, type TestDatabase } from '@c360/testing';
import type { Kafka, Producer } from 'kafkajs';
import pg from 'pg';
import { anIdentityIndex, anIngestor, kafkaClient, readTopic, testBrokers, uniqueTopics } from './kafka-harness.js';

const INGESTOR_MAIN = path.resolve('dist/apps/ingestor/src/main.js');

describe('Kafka ingestion against a real broker', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let identity: Awaited<ReturnType<typeof anIdentityIndex>>;
  let db: pg.Client;
  let kafka: Kafka;
  let producer: Producer;
  const running: TouchpointIngestor[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore({ connectionString: database.url, poolSize: 4 });
    identity = await anIdentityIndex(database.url);
    db = new pg.Client({ connectionString: database.url });
    db.on('error', () => undefined); // the outage test terminates it; it is reconnected there
    await db.connect();
    kafka = kafkaClient();
    producer = kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await Promise.all(running.map((i) => i.stop().catch(() => undefined)));
    await producer?.disconnect();
    await db?.end();
    await store?.close();
    await identity?.dataSource.destroy();
    await database?.drop();
  });

  async function startIngestor(topics: ReturnType<typeof uniqueTopics>): Promise<TouchpointIngestor> {
    const ingestor = anIngestor(kafka, store, topics, identity.identity);
    running.push(ingestor);
    await ingestor.start();
    return ingestor;
  }

  const eventsOf = async (touchpointIds: string[]) =>
    (
      await db.query(
        `SELECT metadata->>'touchpointId' AS id, count(*)::int AS n FROM c360_events
          WHERE metadata->>'touchpointId' = ANY($1) GROUP BY 1`,
        [touchpointIds],
      )
    ).rows as { id: string; n: number }[];

  async function publishRaw(topic: string, values: (string | null)[], key = 'k') {
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ key, value })) });
  }

  it('resolves identity as HTTP does: anonymous browsing joins the known customer at login', async () => {
    const topics = uniqueTopics();
    const ingestor = await startIngestor(topics);
    const id = randomUUID().slice(0, 8);
    const email = `Kafka.${id}@Example.com`;
    const anonymousId = `anon-${id}`;
    const publisher = new TouchpointPublisher(kafka, topics.topic);
    await publisher.connect();
    // One partition key each, so the login can be ingested before or after the others: the end is the same.
    await publisher.publish([aPurchase({ customer: { email } }) as never]);
    await publisher.publish([
      aPageView({ customer: { anonymousId } }) as never,
      aPageView({ customer: { anonymousId } }) as never,
    ]);
    await eventually(
      async () => ingestor.status.stored,
      (n) => n === 3,
      { what: 'three touchpoints' },
    );
    await publisher.publish([aPageView({ customer: { anonymousId, email: ` ${email.toUpperCase()} ` } }) as never]);
    await publisher.disconnect();
    await eventually(
      async () => ingestor.status.stored,
      (n) => n === 4,
      { what: 'the login' },
    );

    const owners = (
      await db.query(
        `SELECT c.root_id FROM c360_identifiers i JOIN c360_customers c USING (customer_id)
          WHERE (i.kind, i.value) IN (('email', $1), ('anonymousId', $2))`,
        [email.toLowerCase(), anonymousId],
      )
    ).rows.map((r) => r.root_id as string);
    expect(owners).toHaveLength(2);
    expect(new Set(owners).size).toBe(1);
    const merged = await db.query(
      `SELECT count(*)::int AS n FROM c360_events WHERE type = 'CustomersMerged' AND data->>'survivorId' = $1`,
      [owners[0]],
    );
    expect(merged.rows[0].n).toBe(2);
  });

  it('stores a message delivered twice as one event', async () => {
    const topics = uniqueTopics();
    const ingestor = await startIngestor(topics);
    const touchpoint = aCall();
    const publisher = new TouchpointPublisher(kafka, topics.topic);
    await publisher.connect();
    await publisher.publish([touchpoint as never, touchpoint as never]);
    await publisher.publish([touchpoint as never]);
    await publisher.disconnect();

    await eventually(
      async () => ingestor.status.stored + ingestor.status.duplicates,
      (n) => n === 3,
      { what: 'three deliveries' },
    );
    expect(ingestor.status).toMatchObject({ stored: 1, duplicates: 2, deadLettered: 0 });
    expect(await eventsOf([touchpoint.touchpointId as string])).toEqual([{ id: touchpoint.touchpointId, n: 1 }]);
  });

  it('dead-letters what it cannot ingest, with the reason and the source, and ingests the valid messages around it', async () => {
    const topics = uniqueTopics();
    const ingestor = await startIngestor(topics);
    const before = aPurchase();
    const after = aPageView();
    const bad = {
      json: '{"touchpointId": "x", ',
      unknownType: JSON.stringify(aCall({ type: 'teleportation' })),
      missingFields: JSON.stringify({ ...aCall(), data: { reason: 'delivery' } }),
    };
    await publishRaw(topics.topic, [
      JSON.stringify(before),
      bad.json,
      bad.unknownType,
      null,
      bad.missingFields,
      JSON.stringify(after),
    ]);

    await eventually(
      async () => ingestor.status.stored + ingestor.status.deadLettered,
      (n) => n === 6,
      { what: 'six messages' },
    );
    expect(ingestor.status).toMatchObject({ stored: 2, deadLettered: 4 });
    expect((await eventsOf([before.touchpointId as string, after.touchpointId as string])).length).toBe(2);

    const dead = await readTopic(kafka, topics.dlqTopic, 4);
    const header = (m: (typeof dead)[number], name: string) => m.headers?.[name]?.toString();
    expect(dead.map((m) => header(m, DLQ_HEADERS.reason))).toEqual([
      'MALFORMED_JSON',
      'VALIDATION_FAILED',
      'EMPTY_MESSAGE',
      'VALIDATION_FAILED',
    ]);
    expect(dead[0]!.value?.toString()).toBe(bad.json); // the original bytes
    expect(header(dead[1]!, DLQ_HEADERS.detail)).toContain('type "teleportation" is unknown');
    expect(JSON.parse(header(dead[3]!, DLQ_HEADERS.errors)!)).toEqual(
      expect.arrayContaining([{ field: 'data.durationSeconds', reason: 'data.durationSeconds is required' }]),
    );
    expect(header(dead[0]!, DLQ_HEADERS.topic)).toBe(topics.topic);
    expect(header(dead[0]!, DLQ_HEADERS.offset)).toBe('1');
    expect(header(dead[0]!, DLQ_HEADERS.partition)).toMatch(/^\d+$/);
  });

  it('dead-letters a touchpoint naming a forgotten customer, and ingests the others', async () => {
    const topics = uniqueTopics();
    const ingestor = await startIngestor(topics);
    const customerId = `crm-${randomUUID().slice(0, 8)}`;
    await publishRaw(topics.topic, [JSON.stringify(aCall({ customer: { customerId } }))]);
    await eventually(
      async () => ingestor.status.stored,
      (n) => n === 1,
      { what: 'the first call' },
    );
    await identity.dataSource.transaction((manager) => identity.identity.forgetLocked(manager, [customerId]));
    const other = aPurchase();
    await publishRaw(topics.topic, [JSON.stringify(aCall({ customer: { customerId } })), JSON.stringify(other)]);
    await eventually(
      async () => ingestor.status.stored + ingestor.status.deadLettered,
      (n) => n === 3,
      { what: 'both later messages' },
    );
    expect(ingestor.status).toMatchObject({ stored: 2, deadLettered: 1 });
    expect(await eventsOf([other.touchpointId as string])).toHaveLength(1);
    const [dead] = await readTopic(kafka, topics.dlqTopic, 1);
    expect(dead!.headers?.[DLQ_HEADERS.reason]?.toString()).toBe('CUSTOMER_FORGOTTEN');
    expect(dead!.headers?.[DLQ_HEADERS.detail]?.toString()).toContain('asked to be forgotten');
  });

  it('loses nothing while the database is unavailable, and stores it once it is back', async () => {
    const topics = uniqueTopics();
    const ingestor = await startIngestor(topics);
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database.name],
      );
      const touchpoints = Array.from({ length: 200 }, (_, i) => (i % 2 ? aCall() : aPurchase()));
      await publishRaw(
        topics.topic,
        touchpoints.map((t) => JSON.stringify(t)),
      );
      await eventually(
        async () => ingestor.status.state,
        (s) => s === 'retrying',
        { what: 'the ingestor to notice' },
      );
      expect(ingestor.status.stored).toBe(0);

      await admin.query(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
      await eventually(
        async () => ingestor.status.stored,
        (n) => n === 200,
        { timeoutMs: 60000, what: 'recovery' },
      );
      await db.end();
      db = new pg.Client({ connectionString: database.url });
      await db.connect();
      const stored = await eventsOf(touchpoints.map((t) => t.touchpointId as string));
      expect(stored).toHaveLength(200);
      expect(stored.every((r) => r.n === 1)).toBe(true);
    } finally {
      await admin.query(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
  });

  it('ingests every message exactly once although the ingestor process is killed again and again', async () => {
    if (!existsSync(INGESTOR_MAIN))
      throw new Error(`${INGESTOR_MAIN} is missing: run the tests with npm test, which builds first`);
    const topics = uniqueTopics();
    const touchpoints = Array.from({ length: 3000 }, (_, i) => [aCall, aPurchase, aPageView][i % 3]!());
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: topics.topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const publisher = new TouchpointPublisher(kafka, topics.topic);
    await publisher.connect();
    // Some are published twice, as a producer retrying after a lost acknowledgement would.
    for (let i = 0; i < touchpoints.length; i += 250) {
      const slice = touchpoints.slice(i, i + 250);
      await publisher.publish([...slice, ...slice.slice(0, 10)] as never);
    }
    await publisher.disconnect();

    const start = (): ChildProcess =>
      spawn(process.execPath, [INGESTOR_MAIN], {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: database.url,
          KAFKA_BROKERS: testBrokers(),
          KAFKA_TOPIC: topics.topic,
          KAFKA_DLQ_TOPIC: topics.dlqTopic,
          KAFKA_GROUP_ID: topics.groupId,
          KAFKA_TOPIC_PARTITIONS: '3',
          KAFKA_APPEND_CHUNK: '50',
          KAFKA_SESSION_TIMEOUT_MS: '6000',
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    const kill = (child: ChildProcess) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    const stored = async () =>
      Number((await db.query("SELECT count(*) FROM c360_events WHERE metadata ? 'touchpointId'")).rows[0].count);

    const killedMidway: number[] = [];
    for (let round = 0; round < 3; round++) {
      const before = await stored();
      const child = start();
      try {
        await eventually(stored, (n) => n > before || n >= touchpoints.length, { timeoutMs: 60000, what: 'progress' });
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 100)));
      } finally {
        await kill(child);
      }
      killedMidway.push(await stored());
    }
    const last = start();
    try {
      const idsOf = touchpoints.map((t) => t.touchpointId as string);
      const rows = await eventually(
        () => eventsOf(idsOf),
        (r) => r.length === touchpoints.length,
        { timeoutMs: 90000, what: 'every touchpoint' },
      );
      expect(rows.filter((r) => r.n !== 1)).toEqual([]);
      expect(killedMidway.some((n) => n < touchpoints.length)).toBe(true);
    } finally {
      await kill(last);
    }
  }, 300000);

  it('ingests a message published by kcat, a tool that is not ours', async () => {
    const topics = uniqueTopics();
    const ingestor = await startIngestor(topics);
    const touchpoint = aCall({ customer: { phone: '+34 600 11 22 33' } });
    execFileSync('kcat', ['-P', '-b', testBrokers(), '-t', topics.topic, '-k', 'some-key'], {
      input: `${JSON.stringify(touchpoint)}\n`,
    });
    await eventually(
      async () => ingestor.status.stored,
      (n) => n === 1,
      { what: 'the kcat message' },
    );
    expect(await eventsOf([touchpoint.touchpointId as string])).toEqual([{ id: touchpoint.touchpointId, n: 1 }]);
  });
});

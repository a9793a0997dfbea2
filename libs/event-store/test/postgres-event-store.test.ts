import { PostgresEventStore, START, verifyChains, type RecordedEvent } from '@c360/event-store';
import { createTestDatabase, eventually, type TestDatabase } from '@c360/testing';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { eventStoreContract } from './event-store.contract.js';

eventStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const store = new PostgresEventStore({ connectionString: database.url, poolSize: 20 });
  return {
    store,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
});

describe('PostgreSQL event store: commits out of sequence order', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let slowWriter: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore({ connectionString: database.url });
    slowWriter = new pg.Client({ connectionString: database.url });
    await slowWriter.connect();
  });
  afterAll(async () => {
    await slowWriter.end();
    await store.close();
    await database.drop();
  });

  function appendSql(streamId: string, eventId: string) {
    return [
      'SELECT * FROM c360_append($1::jsonb, $2::jsonb)',
      [
        JSON.stringify([{ i: 1, s: streamId, x: -1 }]),
        JSON.stringify([
          { ord: 1, w: 1, id: eventId, t: 'CallHandled', d: {}, m: { occurredAt: '2026-11-01T00:00:00Z' } },
        ]),
      ],
    ] as const;
  }

  it('never passes over an event whose transaction took a lower sequence but commits later', async () => {
    const seen: RecordedEvent[] = [];
    let after = START;
    const poll = async () => {
      const page = await store.readAll({ after, maxCount: 1000 });
      if (page.length) after = page[page.length - 1]!.position;
      seen.push(...page);
      return seen.map((e) => e.streamId);
    };
    await poll();

    // The slow writer takes sequence n and stays open; a fast writer takes n+1 and commits first.
    const slowId = randomUUID();
    await slowWriter.query('BEGIN');
    const [sql, params] = appendSql('slow-stream', slowId);
    const slow = await slowWriter.query(sql, [...params]);
    const fast = await store.append('fast-stream', [{ type: 'CallHandled', data: {}, metadata: {} }]);
    expect(Number(fast.events[0]!.position.split('/')[1])).toBeGreaterThan(Number(slow.rows[0].sequence));

    // While the slow transaction is open, the fast event is held back, so nothing can be skipped.
    expect(await poll()).toEqual([]);
    expect((await store.health()).oldestOpenTransactionSeconds).toBeGreaterThan(0); // the slow writer shows

    await slowWriter.query('COMMIT');
    expect(await eventually(poll, (streams) => streams.length === 2, { what: 'both events' })).toEqual([
      'slow-stream',
      'fast-stream',
    ]);
  });

  it('reports the age of the oldest open transaction, which holds the log back', async () => {
    await slowWriter.query('BEGIN');
    await slowWriter.query('SELECT pg_current_xact_id(), pg_sleep(0.2)');
    try {
      const health = await store.health();
      expect(health.oldestOpenTransactionSeconds).toBeGreaterThanOrEqual(0.2);
    } finally {
      await slowWriter.query('ROLLBACK');
    }
  });

  it('ends its subscriptions when closed, rather than leaving them retrying on a closed pool', async () => {
    const closing = new PostgresEventStore({ connectionString: database.url, poolSize: 2 });
    const errors: unknown[] = [];
    const subscription = closing.subscribeToAll(async () => undefined, {
      idleDelayMs: 5,
      onReadError: (error) => errors.push(error),
    });
    await closing.close();
    await expect(subscription.closed).resolves.toBeUndefined();
    expect(errors.length).toBeLessThanOrEqual(1);
  });
});

describe('PostgreSQL event store: the hash chain', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let db: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore({ connectionString: database.url });
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await store.close();
    await database.drop();
  });

  const event = (n: number) => ({
    type: 'CallHandled',
    data: { n, text: `ñ "quoted" ${n}` },
    metadata: { occurredAt: '2026-11-01T10:00:00.000Z', schemaVersion: 2 },
  });

  it('chains every shape of append, and rows inserted by hand through the trigger, so that the check passes', async () => {
    const prefix = `chain-${randomUUID()}`;
    const [a, b, c] = ['a', 'b', 'c'].map((s) => `${prefix}-${s}`) as [string, string, string];
    await store.append(a, [event(0), event(1), event(2)]);
    await store.appendMany([
      { streamId: a, events: [event(3)] },
      { streamId: b, events: [event(0), event(1)] },
      { streamId: c, events: [event(0)] },
    ]);
    const repeat = { ...event(4), eventId: randomUUID() };
    await store.append(a, [repeat, repeat, event(5)]);
    await store.append(a, [repeat]);
    await db.query(
      `INSERT INTO c360_events (stream_id, stream_revision, event_id, type, data, metadata)
       VALUES ($1, 2, $2, 'CallHandled', '{"by": "hand"}', '{}')`,
      [b, randomUUID()],
    );
    await store.append(b, [event(3)]);

    const chains = await verifyChains((sql, params) => db.query(sql, params).then((r) => r.rows), [a, b, c]);
    expect(
      chains.map((s) => ({ streamId: s.streamId, events: s.events, intact: s.intact, unchained: s.unchained })),
    ).toEqual([
      { streamId: a, events: 6, intact: true, unchained: 0 },
      { streamId: b, events: 4, intact: true, unchained: 0 },
      { streamId: c, events: 1, intact: true, unchained: 0 },
    ]);
    // One append, one recorded instant: the hash covers it before the row exists.
    const instants = await db.query(
      'SELECT DISTINCT recorded_at FROM c360_events WHERE stream_id = $1 AND stream_revision < 3',
      [a],
    );
    expect(instants.rows).toHaveLength(1);

    await db.query(`UPDATE c360_events SET data = '{"n": 99}' WHERE stream_id = $1 AND stream_revision = 1`, [a]);
    const [broken] = await verifyChains((sql, params) => db.query(sql, params).then((r) => r.rows), [a]);
    expect(broken).toMatchObject({ intact: false, firstBrokenLink: { streamRevision: 1 } });
  });
});

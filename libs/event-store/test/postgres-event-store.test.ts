import { PostgresEventStore, START, type RecordedEvent } from '@c360/event-store';
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

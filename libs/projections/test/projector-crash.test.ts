import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { decideRecordTouchpoint, type Touchpoint } from '@c360/domain';
import { PostgresEventStore } from '@c360/event-store';
import { aCall, aPageView, aPurchase, createTestDatabase, eventually, type TestDatabase } from '@c360/testing';
import pg from 'pg';

const PROJECTIONS = ['cross-sell', 'customer-profile', 'kpis', 'timeline', 'touchpoint-counts'];

const PROJECTOR_MAIN = path.resolve('dist/apps/projector/src/main.js');

/** A real projector process: killed with SIGKILL, it gets no chance to tidy up. */
function startProjector(databaseUrl: string, batchSize: number): ChildProcess {
  return spawn(process.execPath, [PROJECTOR_MAIN], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      PROJECTOR_BATCH_SIZE: String(batchSize),
      PROJECTOR_IDLE_DELAY_MS: '5',
      DATABASE_POOL_SIZE: '3',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('projector under crashes and a competing instance', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let db: pg.Client;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(PROJECTOR_MAIN))
      throw new Error(`${PROJECTOR_MAIN} is missing: run the tests with npm test, which builds first`);
    database = await createTestDatabase();
    store = new PostgresEventStore({ connectionString: database.url, poolSize: 8 });
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  });
  afterAll(async () => {
    await Promise.all(children.map(kill));
    await db?.end();
    await store?.close();
    await database?.drop();
  });

  async function projected(): Promise<number> {
    const { rows } = await db.query(
      'SELECT coalesce(min(events_projected), 0)::int AS n FROM c360_projection_checkpoints',
    );
    return rows[0].n;
  }

  /** Writers append touchpoints for 40 customers from 8 concurrent connections until told to stop. */
  async function writeTouchpoints(
    shouldStop: () => boolean,
  ): Promise<{ total: number; perCustomer: Map<string, number>; purchases: Map<string, number> }> {
    const perCustomer = new Map<string, number>();
    const purchases = new Map<string, number>();
    const customers = Array.from({ length: 40 }, (_, i) => `crash-${i}`);
    const builders = [aPurchase, aCall, aPageView];
    let total = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!shouldStop()) {
          const batch = Array.from({ length: 2 }, () => {
            const n = total++;
            const customerId = customers[n % customers.length]!;
            perCustomer.set(customerId, (perCustomer.get(customerId) ?? 0) + 1);
            if (n % 3 === 0) purchases.set(customerId, (purchases.get(customerId) ?? 0) + 1);
            const body = builders[n % 3]!({ customer: { customerId } }) as unknown as Touchpoint;
            return decideRecordTouchpoint(body, customerId);
          });
          await store.appendMany(
            batch.map((d) => ({ streamId: d.streamId, events: [{ eventId: d.eventId, ...d.event }] })),
          );
          await pause(20);
        }
      }),
    );
    return { total, perCustomer, purchases };
  }

  it('projects every event exactly once although it is killed again and again and a second instance competes', async () => {
    let stopWriting = false;
    const writing = writeTouchpoints(() => stopWriting);

    // Each cycle: a projector (twice, with a rival instance) runs until it has made progress, then
    // is killed at an arbitrary moment of its next batches while the writers keep writing.
    const killedMidway: number[] = [];
    for (let cycle = 0; cycle < 8; cycle++) {
      const before = await projected();
      const projector = startProjector(database.url, 37);
      const rival = cycle % 4 === 1 ? startProjector(database.url, 53) : undefined;
      children.push(projector, ...(rival ? [rival] : []));
      await eventually(projected, (n) => n > before, { timeoutMs: 30000, what: 'the projector to make progress' });
      await pause(Math.floor(Math.random() * 40));
      await Promise.all([kill(projector), ...(rival ? [kill(rival)] : [])]);
      killedMidway.push(await projected());
    }
    stopWriting = true;
    const { total, perCustomer: expected, purchases } = await writing;

    const survivor = startProjector(database.url, 500);
    children.push(survivor);
    const checkpoints = await eventually(
      async () =>
        (await db.query('SELECT name, events_projected::int AS n FROM c360_projection_checkpoints ORDER BY name'))
          .rows as {
          name: string;
          n: number;
        }[],
      (rows) => rows.length === PROJECTIONS.length && rows.every((r) => r.n === total),
      { timeoutMs: 90000, what: 'every projection to catch up' },
    );
    expect(checkpoints).toEqual(PROJECTIONS.map((name) => ({ name, n: total })));

    const timeline = await db.query(
      'SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct FROM c360_timeline',
    );
    expect(timeline.rows[0]).toEqual({ rows: total, distinct: total });
    const stored = await db.query('SELECT count(*)::int AS n FROM c360_events');
    expect(stored.rows[0].n).toBe(total);

    // Counters would show a batch applied twice or lost.
    const counts = await db.query(
      'SELECT customer_id, sum(count)::int AS n FROM c360_touchpoint_counts GROUP BY customer_id',
    );
    expect(new Map(counts.rows.map((r: { customer_id: string; n: number }) => [r.customer_id, r.n]))).toEqual(expected);
    const timelinePerCustomer = await db.query(
      'SELECT customer_id, count(*)::int AS n FROM c360_timeline GROUP BY customer_id',
    );
    expect(
      new Map(timelinePerCustomer.rows.map((r: { customer_id: string; n: number }) => [r.customer_id, r.n])),
    ).toEqual(expected);
    const profiles = await db.query(
      "SELECT customer_id, (state->>'touchpoints')::int AS n FROM c360_customer_profiles",
    );
    expect(new Map(profiles.rows.map((r: { customer_id: string; n: number }) => [r.customer_id, r.n]))).toEqual(
      expected,
    );
    // Rescoring left pending by batches that were behind (37 or 53 events, killed or not) is done once caught up:
    // each customer's score row counts every purchase.
    const scores = await eventually(
      async () =>
        (await db.query('SELECT customer_id, orders FROM c360_customer_scores')).rows as {
          customer_id: string;
          orders: number;
        }[],
      (rows) => rows.length === expected.size && rows.every((r) => r.orders === (purchases.get(r.customer_id) ?? 0)),
      { timeoutMs: 30000, what: 'every score row to count every purchase' },
    );
    expect(new Map(scores.map((r) => [r.customer_id, r.orders]))).toEqual(
      new Map([...expected.keys()].map((id) => [id, purchases.get(id) ?? 0])),
    );
    expect((await db.query('SELECT count(*)::int AS n FROM c360_customer_scores_pending')).rows[0].n).toBe(0);
    // Every kill struck while events were still waiting to be projected.
    expect(killedMidway.filter((n) => n > 0 && n < total)).toHaveLength(8);
  });
});

import { decideRecordTouchpoint, type Touchpoint } from '@c360/domain';
import { PostgresEventStore } from '@c360/event-store';
import { ProjectionRebuilder, Projector } from '@c360/projections';
import { CustomerProfileProjection } from '@c360/read-models';
import { aCall, aPurchase, createTestDatabase, eventually, type TestDatabase } from '@c360/testing';
import { DataSource } from 'typeorm';

// While behind, the profile projection leaves rescoring for later (c360_customer_scores_pending); these show that
// "later" always comes: once caught up, before a rebuild swaps in, and after a crash.

const CUSTOMERS = Array.from({ length: 12 }, (_, i) => `deferred-${i}`);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const now = () => new Date('2026-11-20T00:00:00Z');

describe('profile scores left for later while behind', () => {
  /** Purchases per customer over everything written so far. */
  const purchases = new Map(CUSTOMERS.map((id) => [id, 0]));
  let database: TestDatabase;
  let store: PostgresEventStore;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore({ connectionString: database.url, poolSize: 4 });
    dataSource = new DataSource({ type: 'postgres', url: database.url, poolSize: 4 });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await store?.close();
    await database?.drop();
  });

  /** Appends `count` touchpoints over the customers, one in two a purchase, counted in `purchases`. */
  async function write(count: number): Promise<void> {
    for (let n = 0; n < count; n++) {
      const customerId = CUSTOMERS[n % CUSTOMERS.length]!;
      const purchase = n % 2 === 0;
      if (purchase) purchases.set(customerId, (purchases.get(customerId) ?? 0) + 1);
      const body = (purchase ? aPurchase : aCall)({ customer: { customerId } }) as unknown as Touchpoint;
      const decision = decideRecordTouchpoint(body, customerId);
      await store.appendMany([
        { streamId: decision.streamId, events: [{ eventId: decision.eventId, ...decision.event }] },
      ]);
    }
  }

  const scores = async () =>
    new Map(
      (await dataSource.query('SELECT customer_id, orders FROM c360_customer_scores')).map(
        (r: { customer_id: string; orders: number }) => [r.customer_id, r.orders],
      ),
    );
  const pending = async () =>
    Number((await dataSource.query('SELECT count(*) AS n FROM c360_customer_scores_pending'))[0].n);
  const projected = async () =>
    Number(
      (
        await dataSource.query(
          "SELECT coalesce(max(events_projected), 0) AS n FROM c360_projection_checkpoints WHERE name = 'customer-profile'",
        )
      )[0]?.n ?? 0,
    );

  it('rescores every customer touched once caught up, even when the last page read was full', async () => {
    // 48 events in pages of 12: every page is full, so every batch is behind, and the read after the last one
    // finds nothing: only catching up (not a short batch) can trigger the rescoring.
    await write(48);
    const projector = new Projector(store, dataSource, [new CustomerProfileProjection(now)], {
      batchSize: 12,
      idleDelayMs: 5,
      log: quiet,
    });
    projector.start();
    try {
      await eventually(projected, (n) => n === 48, { what: 'the profile projection to catch up' });
      // the first batch is scored at once (nothing flushed yet in this process), the other three later
      const rows = await eventually(scores, (s) => CUSTOMERS.every((id) => s.get(id) === purchases.get(id)), {
        what: 'every score row to count every purchase',
        timeoutMs: 10_000,
      });
      expect(rows).toEqual(purchases);
      expect(await pending()).toBe(0);
    } finally {
      await projector.stop();
    }
  });

  it('a rebuild rescores what its full pages left pending before swapping its tables in', async () => {
    await write(24); // 72 events in all: six full pages of 12
    await dataSource.query('DELETE FROM c360_customer_scores');
    const rebuilder = new ProjectionRebuilder(store, dataSource, [new CustomerProfileProjection(now)]);
    const progress = await rebuilder.rebuild('customer-profile', { restart: true, batchSize: 12 });
    expect(progress.state).toBe('done');
    expect(await scores()).toEqual(purchases);
    expect(await pending()).toBe(0);
  });

  it('a batch that is not behind rescores what an earlier run left pending (a crash while behind)', async () => {
    const projection = new CustomerProfileProjection(now);
    // what a projector killed mid catch-up leaves: behind batches applied, their customers pending
    const behind = await store.readAll({ maxCount: 72 });
    await dataSource.query('DELETE FROM c360_customer_profiles');
    await dataSource.query('DELETE FROM c360_customer_scores');
    await dataSource.transaction((manager) => projection.apply(behind, manager, { behind: true }));
    expect(await pending()).toBe(0); // a new process flushes on its first batch: nothing is owed to it yet
    await dataSource.query('DELETE FROM c360_customer_scores');
    await dataSource.query('INSERT INTO c360_customer_scores_pending SELECT unnest($1::text[])', [CUSTOMERS]);
    const [last] = await write(1).then(() => store.readAll({ after: behind[behind.length - 1]!.position }));
    await dataSource.transaction((manager) => projection.apply([last!], manager, { behind: false }));
    expect((await scores()).size).toBe(CUSTOMERS.length);
    expect(await pending()).toBe(0);
  });
});

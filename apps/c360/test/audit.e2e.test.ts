import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@c360/event-store';
import { ProjectorService } from '@c360/projections';
import { aCall, aPurchase, eventually } from '@c360/testing';
import { ServiceHarness } from './service-harness.js';

const API_KEY = 'e2e-audit-key-0123456789';

describe('audit and replay: history, time travel, upcasting, rebuilds (the whole service over HTTP)', () => {
  const harness = new ServiceHarness(API_KEY);
  const get = (path: string) => harness.get(path);
  const post = (path: string, body: unknown) => harness.post(path, body);
  let store: PostgresEventStore;
  const unique = () => randomUUID().slice(0, 8);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    await harness.start();
    store = new PostgresEventStore({ connectionString: harness.databaseUrl, poolSize: 2 });
  });
  afterAll(async () => {
    await store?.close();
    await harness.stop();
  });

  it('shows the raw history of a customer and of those merged into it, with every piece of metadata, page by page', async () => {
    const ana = `crm-${unique()}`;
    const dup = `crm-${unique()}`;
    const call = aCall({ customer: { customerId: ana }, correlationId: 'corr-1', causationId: 'cause-1' });
    await post('/v1/touchpoints', call).expect(202);
    await post('/v1/touchpoints', aPurchase({ customer: { customerId: dup } })).expect(202);
    await post(`/v1/customers/${ana}/merge`, { mergedCustomerId: dup, reason: 'same person' }).expect(200);

    const all = (await get(`/v1/customers/${ana}/history?limit=1000`).expect(200)).body;
    expect(all.streams.sort()).toEqual([ana, dup].sort());
    const types = all.items.map(
      (i: { streamId: string; type: string }) => `${i.streamId === `customer-${ana}` ? 'ana' : 'dup'} ${i.type}`,
    );
    expect(types.slice(0, 4)).toEqual([
      'ana IdentityLinked',
      'ana CallHandled',
      'dup IdentityLinked',
      'dup PurchaseMade',
    ]);
    expect(types.slice(4).sort()).toEqual(['ana CustomersMerged', 'dup CustomersMerged']);
    const recorded = all.items.find((i: { type: string }) => i.type === 'CallHandled');
    expect(recorded).toMatchObject({
      streamId: `customer-${ana}`,
      streamRevision: 1,
      touchpointId: call.touchpointId,
      channel: 'call-center',
      actor: { kind: 'agent', id: 'agent-3' },
      correlationId: 'corr-1',
      causationId: 'cause-1',
      occurredAt: '2026-11-02T09:30:00.000Z',
      schemaVersion: 2,
      data: { customerId: ana, reason: 'delivery', durationSeconds: 240, outcome: 'resolved' },
    });
    expect(recorded.position).toMatch(/^\d+\/\d+$/);
    expect(Date.parse(recorded.recordedAt)).not.toBeNaN();

    const first = (await get(`/v1/customers/${ana}/history?limit=4`).expect(200)).body;
    const second = (await get(`/v1/customers/${ana}/history?limit=4&cursor=${first.nextCursor}`).expect(200)).body;
    expect([...first.items, ...second.items]).toEqual(all.items);
    expect(second.nextCursor).toBeNull();
    const purchases = (await get(`/v1/customers/${ana}/history?type=PurchaseMade`).expect(200)).body.items;
    expect(purchases.map((i: { streamId: string }) => i.streamId)).toEqual([`customer-${dup}`]);
    const ndjson = await get(`/v1/customers/${ana}/history`).set('Accept', 'application/x-ndjson').expect(200);
    expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(
      ndjson.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(all.items);
    await get(`/v1/customers/${ana}/history?limit=0`).expect(400);
  });

  it('answers the state as of an instant, by recorded time and by occurred time, as the projection does now', async () => {
    const id = `crm-${unique()}`;
    const at = (iso: string, price: number) =>
      aPurchase({
        customer: { customerId: id },
        occurredAt: iso,
        data: {
          orderId: `o-${unique()}`,
          currency: 'EUR',
          lines: [{ sku: 'S', category: 'c', quantity: 1, unitPrice: price }],
        },
      });
    await post('/v1/touchpoints', at('2026-01-10T10:00:00Z', 10)).expect(202);
    await pause(20);
    const t1 = new Date().toISOString();
    await pause(20);
    await post('/v1/touchpoints', at('2026-03-10T10:00:00Z', 20)).expect(202);
    // Recorded after t1, but it happened in December: known now, not known at t1.
    await post('/v1/touchpoints', at('2025-12-24T10:00:00Z', 40)).expect(202);

    const byRecorded = (await get(`/v1/customers/${id}/state?asOf=${t1}`).expect(200)).body;
    expect(byRecorded).toMatchObject({ by: 'recorded', profile: { purchases: { orders: 1, lifetimeSpend: 10 } } });
    const byOccurred = (await get(`/v1/customers/${id}/state?asOf=2026-02-01T00:00:00Z&by=occurred`).expect(200)).body;
    expect(byOccurred.profile.purchases).toMatchObject({ orders: 2, lifetimeSpend: 50 });
    const early = (await get(`/v1/customers/${id}/state?asOf=2026-01-01T00:00:00Z&by=occurred`).expect(200)).body;
    expect(early.profile.purchases).toMatchObject({ orders: 1, lifetimeSpend: 40 });
    expect(early.loyalty.asOf).toBe('2026-01-01T00:00:00.000Z');

    await harness.caughtUp();
    const now = new Date().toISOString();
    const folded = (await get(`/v1/customers/${id}/state?asOf=${now}`).expect(200)).body.profile;
    const live = (await get(`/v1/customers/${id}`).expect(200)).body;
    const timeless = ({
      asOf: _a,
      loyalty: _l,
      tier: _t,
      churnRisk: _c,
      value: _v,
      complaints: _o,
      ...rest
    }: Record<string, unknown>) => rest;
    expect(timeless(folded)).toEqual(timeless(live));
    expect(folded.purchases).toMatchObject({ orders: 3, lifetimeSpend: 70 });

    await get(`/v1/customers/${id}/state`).expect(400);
    await get(`/v1/customers/${id}/state?asOf=2026-01-01&by=maybe`).expect(400);
    await get(`/v1/customers/nobody-${unique()}/state?asOf=2026-01-01`).expect(404);
  });

  it('reads a version 1 purchase (one amount) as a purchase with lines, live and after a rebuild', async () => {
    const id = `legacy-${unique()}`;
    await harness.db.query('INSERT INTO c360_customers (customer_id, root_id) VALUES ($1, $1)', [id]);
    await store.append(`customer-${id}`, [
      {
        type: 'PurchaseMade',
        data: { customerId: id, orderId: 'legacy-1', currency: 'EUR', amount: 99.5 },
        metadata: { occurredAt: '2019-05-01T10:00:00.000Z', channel: 'store', schemaVersion: 1 },
      },
    ]);
    await harness.caughtUp();
    expect((await get(`/v1/customers/${id}`).expect(200)).body.purchases).toMatchObject({
      orders: 1,
      lifetimeSpend: 99.5,
    });
    const timeline = (await get(`/v1/customers/${id}/timeline`).expect(200)).body.items;
    expect(timeline[0].summary).toBe('Purchase legacy-1: 1 item(s), 99.50 EUR');
    const history = (await get(`/v1/customers/${id}/history`).expect(200)).body.items;
    expect(history[0]).toMatchObject({ schemaVersion: 1, data: { amount: 99.5 } });

    await post('/v1/projections/customer-profile/rebuild', {}).expect(202);
    await eventually(
      async () => (await get('/v1/projections').expect(200)).body.projections,
      (list: { name: string; rebuild: { state: string } | null }[]) =>
        list.find((p) => p.name === 'customer-profile')?.rebuild?.state === 'done',
      { what: 'the rebuild to finish' },
    );
    expect((await get(`/v1/customers/${id}`).expect(200)).body.purchases).toMatchObject({
      orders: 1,
      lifetimeSpend: 99.5,
    });
  });

  it('rebuilds the timeline while writes continue: readers never see a partial table, and the result equals the log', async () => {
    const watched = `crm-${unique()}`;
    for (let i = 0; i < 30; i++)
      await post('/v1/touchpoints', aCall({ customer: { customerId: watched } })).expect(202);
    await harness.caughtUp();
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const batch = Array.from({ length: 20 }, () => aCall({ customer: { customerId: `crm-${unique()}` } }));
        await post('/v1/touchpoints/batch', { touchpoints: batch }).expect(202);
        written += batch.length;
      }
    })();
    const seen: number[] = [];
    await post('/v1/projections/timeline/rebuild?restart=true', {}).expect(202);
    await post('/v1/projections/timeline/rebuild', {}).expect(409);
    try {
      await eventually(
        async () => {
          seen.push((await get(`/v1/customers/${watched}/timeline?limit=100`).expect(200)).body.items.length);
          const projections = (await get('/v1/projections').expect(200)).body.projections;
          const timeline = projections.find((p: { name: string }) => p.name === 'timeline');
          const state: string = timeline.rebuild?.state ?? '';
          expect(state).not.toBe('failed');
          return state;
        },
        (state) => state === 'done',
        { what: 'the timeline rebuild to finish', timeoutMs: 60000 },
      );
    } finally {
      // a writer left running would keep the service busy after a failed wait
      writing = false;
    }
    await writer;
    expect(written).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((n) => n === 30)).toBe(true);

    await harness.caughtUp();
    const touchpoints = await harness.db.query(
      `SELECT event_id::text FROM c360_events
        WHERE type NOT IN ('IdentityLinked', 'CustomersMerged', 'CustomersUnmerged') ORDER BY 1`,
    );
    const rows = await harness.db.query('SELECT event_id::text FROM c360_timeline ORDER BY 1');
    expect(rows.rows).toEqual(touchpoints.rows);
    const leftovers = await harness.db.query(
      "SELECT count(*) AS n FROM pg_namespace WHERE nspname LIKE 'c360_rebuild_%'",
    );
    expect(leftovers.rows[0].n).toBe('0');
    await post('/v1/projections/nothing/rebuild', {}).expect(404);
  });

  it('resumes a rebuild interrupted halfway, and never shows its half-built tables meanwhile', async () => {
    const batch = Array.from({ length: 150 }, () => aCall({ customer: { customerId: `crm-${unique()}` } }));
    await post('/v1/touchpoints/batch', { touchpoints: batch }).expect(202);
    await harness.caughtUp();
    const before = (await harness.db.query('SELECT count(*)::int AS n FROM c360_touchpoint_counts')).rows[0].n;
    const { rebuilder } = harness.service.app.get(ProjectorService);
    let batches = 0;
    await expect(
      rebuilder.rebuild('touchpoint-counts', {
        restart: true,
        batchSize: 50,
        onProgress: () => {
          if (++batches === 2) throw new Error('the process died');
        },
      }),
    ).rejects.toThrow('the process died');
    const halfway = await harness.db.query(
      "SELECT events_projected::int AS n FROM c360_projection_checkpoints WHERE name = 'touchpoint-counts#rebuild'",
    );
    expect(halfway.rows[0].n).toBe(100);
    expect((await harness.db.query('SELECT count(*)::int AS n FROM c360_touchpoint_counts')).rows[0].n).toBe(before);
    const listed = (await get('/v1/projections').expect(200)).body.projections;
    expect(listed.find((p: { name: string }) => p.name === 'touchpoint-counts').rebuild).toMatchObject({
      state: 'failed',
    });

    const resumed = await rebuilder.rebuild('touchpoint-counts', { batchSize: 500 });
    expect(resumed).toMatchObject({ state: 'done', resumed: true });
    await harness.caughtUp();
    const counted = await harness.db.query('SELECT sum(count)::int AS n FROM c360_touchpoint_counts');
    const touchpoints = await harness.db.query(
      "SELECT count(*)::int AS n FROM c360_events WHERE type NOT IN ('IdentityLinked', 'CustomersMerged', 'CustomersUnmerged')",
    );
    expect(counted.rows[0].n).toBe(touchpoints.rows[0].n);
  });

  it('finds a stored event altered or removed with SQL: the first broken link of the hash chain', async () => {
    const id = `crm-${unique()}`;
    for (let i = 0; i < 4; i++) await post('/v1/touchpoints', aCall({ customer: { customerId: id } })).expect(202);
    const intact = (await get(`/v1/customers/${id}/history/verify`).expect(200)).body;
    expect(intact).toMatchObject({ intact: true, streams: [{ streamId: `customer-${id}`, events: 5, unchained: 0 }] });

    await harness.db.query(
      `UPDATE c360_events SET data = jsonb_set(data, '{durationSeconds}', '1')
        WHERE stream_id = $1 AND stream_revision = 2`,
      [`customer-${id}`],
    );
    const altered = (await get(`/v1/customers/${id}/history/verify`).expect(200)).body;
    expect(altered.intact).toBe(false);
    expect(altered.streams[0].firstBrokenLink).toMatchObject({ streamRevision: 2 });

    const other = `crm-${unique()}`;
    for (let i = 0; i < 3; i++) await post('/v1/touchpoints', aCall({ customer: { customerId: other } })).expect(202);
    await harness.db.query('DELETE FROM c360_events WHERE stream_id = $1 AND stream_revision = 1', [
      `customer-${other}`,
    ]);
    const removed = (await get(`/v1/customers/${other}/history/verify`).expect(200)).body;
    expect(removed.streams[0]).toMatchObject({ intact: false, firstBrokenLink: { streamRevision: 2 } });
  });
});

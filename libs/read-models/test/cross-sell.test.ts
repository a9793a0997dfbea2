import { randomUUID } from 'node:crypto';
import { decideRecordTouchpoint, type Touchpoint } from '@c360/domain';
import { PostgresEventStore, type RecordedEvent } from '@c360/event-store';
import { Projector } from '@c360/projections';
import {
  CrossSellProjection,
  findCampaignCandidates,
  findCrossSellCandidates,
  marketingConsentOf,
  type CampaignCandidate,
} from '@c360/read-models';
import { createTestDatabase, eventually, type TestDatabase } from '@c360/testing';
import { DataSource, type EntityManager } from 'typeorm';

// ---- Touchpoints as channels send them; the same bodies feed the event store and the direct applies.

interface Line {
  sku: string;
  quantity?: number;
}

const CATEGORY: Record<string, string> = { A: 'cameras', B: 'lenses', C: 'tripods', D: 'bags' };
const categoryOf = (sku: string) => CATEGORY[sku] ?? 'misc';
let clock = Date.parse('2026-01-01T00:00:00.000Z');
const tick = () => new Date((clock += 60_000)).toISOString();

function bought(customerId: string, lines: Line[], occurredAt = tick()): Touchpoint {
  return {
    touchpointId: `pos-${randomUUID()}`,
    channel: 'store',
    type: 'purchase',
    occurredAt,
    customer: { customerId },
    data: {
      orderId: `o-${randomUUID()}`,
      currency: 'EUR',
      lines: lines.map((l) => ({ sku: l.sku, category: categoryOf(l.sku), quantity: l.quantity ?? 1, unitPrice: 10 })),
    },
  };
}

function returned(customerId: string, lines: Line[], occurredAt = tick()): Touchpoint {
  return {
    touchpointId: `ret-${randomUUID()}`,
    channel: 'store',
    type: 'return',
    occurredAt,
    customer: { customerId },
    data: {
      orderId: `o-${randomUUID()}`,
      lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity ?? 1 })),
      reason: 'changed my mind',
    },
  };
}

function consented(
  customerId: string,
  granted: boolean,
  occurredAt = tick(),
  purpose: 'marketing' | 'profiling' = 'marketing',
): Touchpoint {
  return {
    touchpointId: `web-${randomUUID()}`,
    channel: 'web',
    type: 'consent-changed',
    occurredAt,
    customer: { customerId },
    data: { purpose, channel: granted ? 'email' : 'any', granted },
  };
}

function called(customerId: string): Touchpoint {
  return {
    touchpointId: `cc-${randomUUID()}`,
    channel: 'call-center',
    type: 'call',
    occurredAt: tick(),
    customer: { customerId },
    data: { reason: 'delivery', durationSeconds: 60, outcome: 'resolved' },
  };
}

let position = 0;

/** The event a touchpoint of a known customer is stored as, decided as ingestion decides it. */
function eventOf(touchpoint: Touchpoint) {
  const { streamId, eventId, event } = decideRecordTouchpoint(touchpoint, touchpoint.customer.customerId!);
  return { streamId, event: { eventId, ...event } };
}

/** The stored event the projector would hand over for a touchpoint. */
function recorded(touchpoint: Touchpoint): RecordedEvent {
  const { streamId, event } = eventOf(touchpoint);
  position++;
  const recordedAt = new Date().toISOString();
  return {
    ...event,
    metadata: { ...event.metadata, eventId: event.eventId, recordedAt },
    streamId,
    streamRevision: position,
    position: String(position),
    recordedAt,
  };
}

/** A deterministic PRNG (mulberry32), so a failing scenario can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- The statistics recounted from scratch, to hold the read model against.

interface Statistics {
  customers: number;
  owners: Record<string, number>;
  pairs: Record<string, number>;
}

function recount(touchpoints: Touchpoint[]): {
  statistics: Statistics;
  owned: Map<string, Set<string>>;
  consent: Map<string, { granted: boolean; at: number }>;
} {
  const quantities = new Map<string, Map<string, number>>();
  const consent = new Map<string, { granted: boolean; at: number }>();
  for (const t of touchpoints) {
    const customerId = t.customer.customerId!;
    const held = quantities.get(customerId) ?? new Map<string, number>();
    quantities.set(customerId, held);
    if (t.type === 'purchase' || t.type === 'return') {
      const sign = t.type === 'purchase' ? 1 : -1;
      for (const line of (t as Touchpoint<'purchase' | 'return'>).data.lines)
        held.set(line.sku, (held.get(line.sku) ?? 0) + sign * line.quantity);
    }
    if (t.type === 'consent-changed') {
      const { purpose, granted } = (t as Touchpoint<'consent-changed'>).data;
      const at = Date.parse(t.occurredAt);
      const latest = consent.get(customerId);
      if (purpose === 'marketing' && (!latest || at >= latest.at)) consent.set(customerId, { granted, at });
    }
  }
  const owned = new Map<string, Set<string>>();
  const statistics: Statistics = { customers: 0, owners: {}, pairs: {} };
  for (const [customerId, held] of quantities) {
    const skus = new Set([...held].filter(([, q]) => q > 0).map(([sku]) => sku));
    owned.set(customerId, skus);
    if (skus.size > 0) statistics.customers++;
    for (const x of skus) {
      statistics.owners[x] = (statistics.owners[x] ?? 0) + 1;
      for (const y of skus) if (x !== y) statistics.pairs[`${x}→${y}`] = (statistics.pairs[`${x}→${y}`] ?? 0) + 1;
    }
  }
  return { statistics, owned, consent };
}

async function statisticsOf(manager: EntityManager): Promise<Statistics> {
  const [totals] = (await manager.query('SELECT customers::int AS n FROM c360_cross_sell_totals')) as { n: number }[];
  const owners = (await manager.query(
    'SELECT sku, owners::int AS n FROM c360_cross_sell_products WHERE owners <> 0',
  )) as { sku: string; n: number }[];
  const pairs = (await manager.query('SELECT sku, other_sku, co_owners::int AS n FROM c360_cross_sell_pairs')) as {
    sku: string;
    other_sku: string;
    n: number;
  }[];
  return {
    customers: totals!.n,
    owners: Object.fromEntries(owners.map((r) => [r.sku, r.n])),
    pairs: Object.fromEntries(pairs.map((r) => [`${r.sku}→${r.other_sku}`, r.n])),
  };
}

/** Every row of every table of the read model, in a stable order. */
async function tablesOf(manager: EntityManager): Promise<Record<string, unknown[]>> {
  const dump = (sql: string) => manager.query(sql) as Promise<unknown[]>;
  return {
    holdings: await dump('SELECT * FROM c360_cross_sell_holdings ORDER BY customer_id, sku'),
    products: await dump('SELECT * FROM c360_cross_sell_products ORDER BY sku'),
    pairs: await dump('SELECT * FROM c360_cross_sell_pairs ORDER BY sku, other_sku'),
    totals: await dump('SELECT * FROM c360_cross_sell_totals'),
    consents: await dump('SELECT * FROM c360_cross_sell_marketing_consents ORDER BY customer_id'),
  };
}

// ---- Each test owns a fresh database.

interface ReadModel {
  url: string;
  dataSource: DataSource;
  manager: EntityManager;
  /** Applies events in batches of the given size, each in its own transaction, as the projector does. */
  apply(touchpoints: Touchpoint[], batchSizes?: () => number): Promise<void>;
  merge(survivorId: string, mergedId: string): Promise<void>;
}

const opened: { database: TestDatabase; dataSource: DataSource }[] = [];

async function freshReadModel(): Promise<ReadModel> {
  const database = await createTestDatabase();
  const dataSource = new DataSource({ type: 'postgres', url: database.url, poolSize: 4 });
  await dataSource.initialize();
  opened.push({ database, dataSource });
  const projection = new CrossSellProjection();
  return {
    url: database.url,
    dataSource,
    manager: dataSource.manager,
    async apply(touchpoints, batchSizes = () => 1000) {
      const events = touchpoints.map(recorded);
      for (let i = 0; i < events.length;) {
        const batch = events.slice(i, (i += batchSizes()));
        await dataSource.transaction((manager) => projection.apply(batch, manager));
      }
    },
    async merge(survivorId, mergedId) {
      await dataSource.query(
        `INSERT INTO c360_customers (customer_id, root_id) VALUES ($1, $1) ON CONFLICT (customer_id) DO NOTHING`,
        [survivorId],
      );
      await dataSource.query(
        `INSERT INTO c360_customers (customer_id, root_id, merged_into) VALUES ($1, $2, $2)
         ON CONFLICT (customer_id) DO UPDATE SET root_id = $2, merged_into = $2`,
        [mergedId, survivorId],
      );
    },
  };
}

afterAll(async () => {
  for (const { database, dataSource } of opened) {
    await dataSource.destroy();
    await database.drop();
  }
});

async function wholeCampaign(manager: EntityManager, sku: string, pageSize: number): Promise<CampaignCandidate[]> {
  const all: CampaignCandidate[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await findCampaignCandidates(manager, sku, { limit: pageSize, offset });
    all.push(...page);
    if (page.length < pageSize) return all;
  }
}

describe('cross-sell read model', () => {
  it('given a tiny dataset, when queried, then support, confidence and lift are exactly the hand-computed ones', async () => {
    const model = await freshReadModel();
    // 6 customers: A owned by 4, B by 3, C by 3, D by 1; A and B together by 3, C and D by 1.
    await model.apply([
      bought('c1', [{ sku: 'A' }, { sku: 'B' }]),
      bought('c2', [{ sku: 'A' }, { sku: 'B' }]),
      bought('c3', [{ sku: 'A' }, { sku: 'B' }]),
      bought('c4', [{ sku: 'A' }, { sku: 'C' }]),
      bought('c5', [{ sku: 'C' }]),
      bought('c6', [{ sku: 'C' }, { sku: 'D' }]),
      consented('c4', true),
      consented('c1', true),
    ]);

    expect(await statisticsOf(model.manager)).toEqual({
      customers: 6,
      owners: { A: 4, B: 3, C: 3, D: 1 },
      pairs: { 'A→B': 3, 'B→A': 3, 'A→C': 1, 'C→A': 1, 'C→D': 1, 'D→C': 1 },
    });
    // lift(A→B) = (3/4) / (3/6) = 1.5; lift(C→D) = (1/3) / (1/6) = 2, but only 1 co-owner.
    expect(await findCrossSellCandidates(model.manager, ['c4'], {})).toEqual([
      {
        sku: 'B',
        category: 'lenses',
        lift: 1.5,
        confidence: 0.75,
        support: 0.5,
        coOwners: 3,
        because: { sku: 'A', category: 'cameras' },
        reason: 'owners of A buy B 1.5× more often than average',
      },
    ]);
    const loose = await findCrossSellCandidates(model.manager, ['c4'], { minCoOwners: 1 });
    expect(loose.map((c) => [c.sku, c.because.sku, c.lift, c.coOwners])).toEqual([
      ['D', 'C', 2, 1],
      ['B', 'A', 1.5, 3],
    ]);
    expect(loose[0]!.confidence).toBeCloseTo(1 / 3, 12);
    expect(loose[0]!.support).toBeCloseTo(1 / 6, 12);
    expect(await findCrossSellCandidates(model.manager, ['c4'], { minCoOwners: 1, limit: 1 })).toHaveLength(1);

    // c1 owns B, c5 and c6 have no consent and nothing leading to B; only c4 is left.
    expect(await findCampaignCandidates(model.manager, 'B')).toEqual([
      { customerId: 'c4', score: 1.5, because: 'A', reason: 'owners of A buy B 1.5× more often than average' },
    ]);
  });

  it('given planted affinity through the real projector, when queried, then B ranks first for owners of A, never an owned product nor a customer without consent', async () => {
    const model = await freshReadModel();
    const next = random(20261101);
    const noise = Array.from({ length: 8 }, (_, i) => `N${i}`);
    const touchpoints: Touchpoint[] = [];
    for (let i = 0; i < 300; i++) {
      const id = `p-${i}`;
      const lines: Line[] = [];
      const ownsA = next() < 0.3;
      if (ownsA) lines.push({ sku: 'A' });
      if (next() < (ownsA ? 0.8 : 0.05)) lines.push({ sku: 'B' });
      for (const sku of noise) if (next() < 0.15) lines.push({ sku, quantity: 1 + Math.floor(next() * 3) });
      // Bought over several orders, some touchpoints of other types in between.
      while (lines.length > 0) touchpoints.push(bought(id, lines.splice(0, 1 + Math.floor(next() * 2))));
      if (next() < 0.2) touchpoints.push(called(id));
      const c = next();
      if (c < 0.6) touchpoints.push(consented(id, true));
      else if (c < 0.75) touchpoints.push(consented(id, true), consented(id, false));
      else if (c < 0.85) touchpoints.push(consented(id, true, undefined, 'profiling'));
    }
    // An owner of A lacking B; a merged pair whose merged stream owns B; a merged pair whose merged
    // stream withdrew consent after the survivor gave it; consent changes arriving out of order.
    touchpoints.push(bought('target', [{ sku: 'A' }, { sku: 'N0' }]), consented('target', true));
    touchpoints.push(bought('m-survivor', [{ sku: 'A' }]), consented('m-survivor', true));
    touchpoints.push(bought('m-merged', [{ sku: 'B' }, { sku: 'N1' }]), consented('m-merged', true));
    touchpoints.push(bought('k-survivor', [{ sku: 'A' }]), consented('k-survivor', true, '2026-03-01T00:00:00.000Z'));
    touchpoints.push(called('k-merged'), consented('k-merged', false, '2026-03-02T00:00:00.000Z'));
    touchpoints.push(bought('late', [{ sku: 'A' }]));
    touchpoints.push(consented('late', false, '2026-03-05T00:00:00.000Z'));
    touchpoints.push(consented('late', true, '2026-03-01T00:00:00.000Z'));
    await model.merge('m-survivor', 'm-merged');
    await model.merge('k-survivor', 'k-merged');

    const store = new PostgresEventStore({ connectionString: model.url, poolSize: 4 });
    const projector = new Projector(store, model.dataSource, [new CrossSellProjection()], {
      batchSize: 97,
      idleDelayMs: 5,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    try {
      for (let i = 0; i < touchpoints.length; i += 150) {
        const stored = touchpoints.slice(i, i + 150).map(eventOf);
        await store.appendMany(stored.map(({ streamId, event }) => ({ streamId, events: [event] })));
      }
      projector.start();
      await eventually(
        async () => projector.status()[0]!,
        (s) => s.eventsProjected === touchpoints.length,
        { what: 'the cross-sell projection to catch up' },
      );
    } finally {
      await projector.stop();
      await store.close();
    }

    const { statistics, owned, consent } = recount(touchpoints);
    expect(await statisticsOf(model.manager)).toEqual(statistics);

    const roots = new Map([
      ['m-merged', 'm-survivor'],
      ['k-merged', 'k-survivor'],
    ]);
    const rootOf = (id: string) => roots.get(id) ?? id;
    const streamsOf = (root: string) => [...owned.keys()].filter((id) => rootOf(id) === root);
    const ownedBy = (root: string) => new Set(streamsOf(root).flatMap((id) => [...owned.get(id)!]));
    const consents = (root: string) => {
      const latest = streamsOf(root)
        .map((id) => consent.get(id))
        .filter((c) => c !== undefined)
        .sort((a, b) => b.at - a.at)[0];
      return latest?.granted ?? false;
    };

    const forTarget = await findCrossSellCandidates(model.manager, ['target'], { limit: 5 });
    expect(forTarget[0]).toMatchObject({ sku: 'B', because: { sku: 'A', category: 'cameras' } });
    expect(forTarget[0]!.lift).toBeGreaterThan(2);
    expect(forTarget[0]!.reason).toMatch(/^owners of A buy B \d+\.\d× more often than average$/);

    // What a merged stream owns is owned by the effective customer.
    const merged = await findCrossSellCandidates(model.manager, ['m-survivor', 'm-merged'], { limit: 100 });
    expect(merged.map((c) => c.sku)).not.toContain('B');
    expect(merged.map((c) => c.sku)).not.toContain('N1');
    for (const root of [...new Set([...owned.keys()].map(rootOf))]) {
      const offered = await findCrossSellCandidates(model.manager, streamsOf(root), { limit: 100, minCoOwners: 1 });
      const mine = ownedBy(root);
      expect({ root, owned: offered.filter((c) => mine.has(c.sku)).map((c) => c.sku) }).toEqual({ root, owned: [] });
    }

    expect(await marketingConsentOf(model.manager, ['k-survivor'])).toBe(true);
    expect(await marketingConsentOf(model.manager, ['k-survivor', 'k-merged'])).toBe(false);
    expect(await marketingConsentOf(model.manager, ['late'])).toBe(false);
    expect(await marketingConsentOf(model.manager, ['nobody'])).toBe(false);

    const campaign = await wholeCampaign(model.manager, 'B', 25);
    const listed = campaign.map((c) => c.customerId);
    expect(new Set(listed).size).toBe(listed.length);
    expect(campaign).toEqual(await findCampaignCandidates(model.manager, 'B', { limit: 10_000 }));
    for (const candidate of campaign) {
      expect({ id: candidate.customerId, ownsB: ownedBy(candidate.customerId).has('B') }).toEqual({
        id: candidate.customerId,
        ownsB: false,
      });
      expect({ id: candidate.customerId, consent: consents(candidate.customerId) }).toEqual({
        id: candidate.customerId,
        consent: true,
      });
      expect(ownedBy(candidate.customerId).has(candidate.because)).toBe(true);
    }
    const expectedAOwners = [...new Set([...owned.keys()].map(rootOf))].filter((root) => {
      const mine = ownedBy(root);
      return mine.has('A') && !mine.has('B') && consents(root);
    });
    expect(expectedAOwners.length).toBeGreaterThan(5);
    expect(listed).toEqual(expect.arrayContaining(expectedAOwners));
    expect(listed).toContain('target');
    for (const excluded of ['m-survivor', 'm-merged', 'k-survivor', 'k-merged', 'late'])
      expect(listed).not.toContain(excluded);
    expect(campaign[0]).toMatchObject({ because: 'A', score: forTarget[0]!.lift });
    expect(campaign.map((c) => c.score)).toEqual([...campaign.map((c) => c.score)].sort((a, b) => b - a));

    // A merged stream's customer shows under its survivor in campaign lists.
    const forN0 = (await wholeCampaign(model.manager, 'N0', 50)).map((c) => c.customerId);
    expect(forN0).not.toContain('m-merged');
  });

  it('given a return that brings a product to 0, when queried, then it is offerable again and the counts drop', async () => {
    const model = await freshReadModel();
    await model.apply([
      ...['o1', 'o2', 'o3', 'o4'].map((id) => bought(id, [{ sku: 'A' }, { sku: 'B' }])),
      bought('o5', [{ sku: 'C' }]),
      bought('r', [{ sku: 'A' }, { sku: 'B', quantity: 2 }, { sku: 'D' }]),
      consented('r', true),
    ]);
    const before = await statisticsOf(model.manager);
    expect(before).toMatchObject({ customers: 6, owners: { A: 5, B: 5 } });
    expect(before.pairs).toMatchObject({ 'A→B': 5, 'B→A': 5, 'B→D': 1, 'D→B': 1 });
    expect((await findCrossSellCandidates(model.manager, ['r'], {})).map((c) => c.sku)).not.toContain('B');
    expect(await findCampaignCandidates(model.manager, 'B')).toEqual([]);

    await model.apply([returned('r', [{ sku: 'B', quantity: 1 }])]);
    expect(await statisticsOf(model.manager)).toEqual(before);

    await model.apply([returned('r', [{ sku: 'B', quantity: 1 }])]);
    const after = await statisticsOf(model.manager);
    expect(after.customers).toBe(6);
    expect(after.owners).toMatchObject({ A: 5, B: 4 });
    expect(after.pairs).toMatchObject({ 'A→B': 4, 'B→A': 4 });
    expect(after.pairs).not.toHaveProperty('B→D');
    expect(after.pairs).not.toHaveProperty('D→B');
    const candidates = await findCrossSellCandidates(model.manager, ['r'], {});
    expect(candidates.map((c) => c.sku)).toEqual(['B']);
    expect(candidates[0]).toMatchObject({ coOwners: 4, because: { sku: 'A' } });
    expect((await findCampaignCandidates(model.manager, 'B')).map((c) => c.customerId)).toEqual(['r']);

    // Returning everything: the customer no longer counts among those owning anything.
    await model.apply([returned('r', [{ sku: 'A' }, { sku: 'D' }])]);
    expect(await statisticsOf(model.manager)).toEqual({
      customers: 5,
      owners: { A: 4, B: 4, C: 1 },
      pairs: { 'A→B': 4, 'B→A': 4 },
    });
    expect(await findCrossSellCandidates(model.manager, ['r'], {})).toEqual([]);
  });

  it('given the same events, when applied in one batch or in many small ones, then every table is the same and exact at every checkpoint', async () => {
    const next = random(7);
    const skus = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!;
    const orders = new Map<string, Line[][]>();
    const touchpoints: Touchpoint[] = [];
    for (let i = 0; i < 800; i++) {
      const customerId = `q-${Math.floor(next() * 60)}`;
      const at = new Date(Date.parse('2026-02-01T00:00:00.000Z') + Math.floor(next() * 20) * 3_600_000).toISOString();
      const past = orders.get(customerId) ?? [];
      orders.set(customerId, past);
      const lines = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({
        sku: pick(skus),
        quantity: 1 + Math.floor(next() * 2),
      }));
      const r = next();
      if (r < 0.45) {
        touchpoints.push(bought(customerId, lines, at));
        past.push(lines);
      } else if (r < 0.75 && past.length > 0) {
        // A whole earlier order back, so customers often come down to owning nothing.
        touchpoints.push(returned(customerId, past.splice(Math.floor(next() * past.length), 1)[0]!, at));
      } else if (r < 0.8) touchpoints.push(returned(customerId, lines, at));
      else if (r < 0.93) touchpoints.push(consented(customerId, next() < 0.6, at));
      else touchpoints.push(called(customerId));
    }

    const oneBatch = await freshReadModel();
    await oneBatch.apply(touchpoints);
    const manyBatches = await freshReadModel();
    let customersCameAndWent = 0;
    for (let i = 0; i < touchpoints.length;) {
      const before = await statisticsOf(manyBatches.manager);
      const batch = touchpoints.slice(i, (i += 1 + Math.floor(next() * 9)));
      await manyBatches.apply(batch);
      const after = await statisticsOf(manyBatches.manager);
      expect(after).toEqual(recount(touchpoints.slice(0, i)).statistics);
      if (after.customers < before.customers) customersCameAndWent++;
    }

    const tables = await tablesOf(oneBatch.manager);
    expect(await tablesOf(manyBatches.manager)).toEqual(tables);
    expect(await statisticsOf(oneBatch.manager)).toEqual(recount(touchpoints).statistics);
    expect((tables.pairs as unknown[]).length).toBeGreaterThan(20);
    expect(customersCameAndWent).toBeGreaterThan(3);
  });
});

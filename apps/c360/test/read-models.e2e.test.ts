import { randomUUID } from 'node:crypto';
import { ScoreRefresher } from '@c360/read-models';
import { aCall, aPurchase } from '@c360/testing';
import { ServiceHarness } from './service-harness.js';

const API_KEY = 'e2e-read-models-key-0123456789';
const DAY = 86_400_000;

describe('the 360 profile, scores, cross-sell and analytics (the whole service over HTTP)', () => {
  const harness = new ServiceHarness(API_KEY);
  const get = (path: string) => harness.get(path);
  const post = (path: string, body: unknown) => harness.post(path, body);
  const unique = () => randomUUID().slice(0, 8);
  const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

  beforeAll(async () => {
    await harness.start();
  });
  afterAll(async () => {
    await harness.stop();
  });

  const recordAll = (bodies: Record<string, unknown>[]) => harness.recordAll(bodies);

  const purchase = (customerId: string, days: number, sku: string, price: number, extra = {}) =>
    aPurchase({
      customer: { customerId },
      occurredAt: daysAgo(days),
      data: {
        orderId: `o-${unique()}`,
        currency: 'EUR',
        lines: [{ sku, category: 'c', quantity: 1, unitPrice: price, ...extra }],
      },
    });

  it('shows a 360 profile: identities, consent, contacts, spend, open complaints with age, last NPS, scores', async () => {
    const customerId = `crm-${unique()}`;
    const email = `ana-${unique()}@example.com`;
    await recordAll([
      purchase(customerId, 40, 'SKU-A', 100, { unitCost: 60 }),
      purchase(customerId, 10, 'SKU-B', 50),
      aCall({ customer: { customerId, email }, occurredAt: daysAgo(9) }),
      {
        touchpointId: `cc-${unique()}`,
        channel: 'call-center',
        type: 'complaint-opened',
        occurredAt: daysAgo(5),
        customer: { customerId },
        data: { caseId: `case-${unique()}`, category: 'delivery', severity: 'high', text: 'late' },
      },
      {
        touchpointId: `web-${unique()}`,
        channel: 'web',
        type: 'survey-answered',
        occurredAt: daysAgo(3),
        customer: { customerId },
        data: { surveyId: 's-1', nps: 4 },
      },
      {
        touchpointId: `web-${unique()}`,
        channel: 'web',
        type: 'consent-changed',
        occurredAt: daysAgo(2),
        customer: { customerId },
        data: { purpose: 'marketing', channel: 'email', granted: true },
      },
    ]);
    await harness.caughtUp();
    const response = await get(`/v1/customers/${customerId}`).expect(200);
    const profile = response.body;
    expect(response.headers.etag).toMatch(/^"\d+"$/);
    expect(profile.identities.map((i: { kind: string; value: string }) => `${i.kind}:${i.value}`).sort()).toEqual(
      [`customerId:${customerId}`, `email:${email}`].sort(),
    );
    expect(profile).toMatchObject({
      customerId,
      lifecycle: 'customer',
      marketingConsent: true,
      consent: [{ purpose: 'marketing', channel: 'email', granted: true }],
      touchpoints: 6,
      countsByChannel: { store: 2, 'call-center': 2, web: 2 },
      purchases: { orders: 2, lifetimeSpend: 150, currency: 'EUR' },
      lastNps: { score: 4, surveyId: 's-1' },
      value: { historicalSpend: 150, historicalMargin: 40 },
    });
    expect(profile.complaints.open).toEqual([expect.objectContaining({ severity: 'high', ageDays: 5 })]);
    expect(profile.churnRisk.reasons.join(' ')).toMatch(/complaint/i);
    expect(['bronze', 'silver', 'gold', 'platinum']).toContain(profile.tier);
    await get(`/v1/customers/nobody-${unique()}`).expect(404);

    const visitor = `anon-${unique()}`;
    await recordAll([aCall({ customer: { anonymousId: visitor }, occurredAt: daysAgo(1) })]);
    await harness.caughtUp();
    const found = (await get(`/v1/customers?anonymousId=${visitor}`).expect(200)).body.customerId;
    expect((await get(`/v1/customers/${found}`).expect(200)).body).toMatchObject({ lifecycle: 'prospect' });
  });

  it('ranks a frequent, recent, high-spending, satisfied customer above an old one-time buyer with an open complaint', async () => {
    const loyal = `crm-loyal-${unique()}`;
    const lapsed = `crm-lapsed-${unique()}`;
    const loyalHistory = Array.from({ length: 24 }, (_, i) => purchase(loyal, 5 + i * 15, `SKU-${i % 4}`, 120));
    loyalHistory.push({
      touchpointId: `web-${unique()}`,
      channel: 'web',
      type: 'survey-answered',
      occurredAt: daysAgo(4),
      customer: { customerId: loyal },
      data: { surveyId: 's-2', nps: 10 },
    });
    await recordAll([
      ...loyalHistory,
      purchase(lapsed, 700, 'SKU-1', 30),
      {
        touchpointId: `cc-${unique()}`,
        channel: 'call-center',
        type: 'complaint-opened',
        occurredAt: daysAgo(600),
        customer: { customerId: lapsed },
        data: { caseId: `case-${unique()}`, category: 'quality', severity: 'medium', text: 'broken' },
      },
    ]);
    await harness.caughtUp();
    const high = (await get(`/v1/customers/${loyal}/loyalty`).expect(200)).body;
    const low = (await get(`/v1/customers/${lapsed}/loyalty`).expect(200)).body;
    expect(high.score).toBeGreaterThan(low.score);
    expect(high.components.map((c: { name: string }) => c.name)).toEqual([
      'recency',
      'frequency',
      'monetary',
      'engagement',
      'satisfaction',
    ]);
    expect(high.reasons.length).toBeGreaterThan(0);

    const top = (await get('/v1/analytics/top?by=loyalty&limit=1000').expect(200)).body.items as {
      customerId: string;
    }[];
    const rank = (id: string) => top.findIndex((row) => row.customerId === id);
    expect(rank(loyal)).toBeGreaterThanOrEqual(0);
    expect(rank(loyal)).toBeLessThan(rank(lapsed));

    const risk = (await get(`/v1/customers/${lapsed}/churn-risk`).expect(200)).body;
    expect(risk.churnRisk.level).toBe('high');
    const atRisk = (await get('/v1/analytics/churn-risk?level=high&limit=1000').expect(200)).body.items as {
      customerId: string;
      churnReasons: string[];
    }[];
    expect(atRisk.find((r) => r.customerId === lapsed)?.churnReasons.length).toBeGreaterThan(0);
    expect(atRisk.some((r) => r.customerId === loyal)).toBe(false);
  });

  it('answers analytics as CSV on request, paginates, and refuses bad parameters with the field', async () => {
    const csv = await get('/v1/analytics/top?by=value&limit=2').set('Accept', 'text/csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe(
      'customerId,loyaltyScore,tier,churnRisk,churnLevel,churnReasons,currency,historicalSpend,historicalMargin,' +
        'expectedValue,orders,lastPurchaseAt,lastContactAt,openComplaints,marketingConsent,mainChannel,scoredAt',
    );
    expect(lines).toHaveLength(3);
    const first = (await get('/v1/analytics/top?by=value&limit=1').expect(200)).body;
    const second = (await get(`/v1/analytics/top?by=value&limit=1&offset=${first.nextOffset}`).expect(200)).body;
    expect(first.items[0].historicalSpend).toBeGreaterThanOrEqual(second.items[0].historicalSpend);
    expect(first.items[0].customerId).not.toBe(second.items[0].customerId);

    const tiers = (await get('/v1/analytics/distribution?by=tier').expect(200)).body.items as { customers: number }[];
    const scored = Number((await harness.db.query('SELECT count(*) AS n FROM c360_customer_scores')).rows[0].n);
    expect(tiers.reduce((sum, t) => sum + t.customers, 0)).toBe(scored);
    const channels = (await get('/v1/analytics/distribution?by=channel').expect(200)).body.items;
    expect(channels.find((c: { bucket: string }) => c.bucket === 'store').customers).toBeGreaterThan(0);

    for (const [path, field] of [
      ['/v1/analytics/top?by=age', 'by'],
      ['/v1/analytics/top?limit=0', 'limit'],
      ['/v1/analytics/churn-risk?offset=-1', 'offset'],
      ['/v1/analytics/distribution', 'by'],
      ['/v1/analytics/cross-sell', 'sku'],
    ]) {
      const bad = await get(path!).expect(400);
      expect(bad.body.errors[0].field).toBe(field);
    }
  });

  it('offers what co-buyers buy to a consenting customer, and nothing to one without consent', async () => {
    const tag = unique();
    const [a, b] = [`A-${tag}`, `B-${tag}`];
    const buyers = Array.from({ length: 6 }, () => `crm-${unique()}`);
    await recordAll(buyers.flatMap((id) => [purchase(id, 30, a, 10), purchase(id, 20, b, 10)]));
    const consenting = `crm-${unique()}`;
    const silent = `crm-${unique()}`;
    await recordAll([
      purchase(consenting, 5, a, 10),
      purchase(silent, 5, a, 10),
      {
        touchpointId: `web-${unique()}`,
        channel: 'web',
        type: 'consent-changed',
        occurredAt: daysAgo(1),
        customer: { customerId: consenting },
        data: { purpose: 'marketing', channel: 'any', granted: true },
      },
    ]);
    await harness.caughtUp();
    const offers = (await get(`/v1/customers/${consenting}/cross-sell`).expect(200)).body;
    expect(offers.marketingConsent).toBe(true);
    expect(offers.candidates[0]).toMatchObject({ sku: b, because: { sku: a } });
    expect(offers.candidates[0].reason).toMatch(new RegExp(`owners of ${a} buy ${b} [\\d.]+× more often`));
    const none = (await get(`/v1/customers/${silent}/cross-sell`).expect(200)).body;
    expect(none).toMatchObject({ marketingConsent: false, candidates: [] });
    expect(none.note).toMatch(/no marketing consent/i);
    const campaign = (await get(`/v1/analytics/cross-sell?sku=${b}`).expect(200)).body.items as {
      customerId: string;
    }[];
    expect(campaign.map((c) => c.customerId)).toEqual([consenting]);
  });

  it('after a merge, the survivor profile and loyalty cover both histories; an unmerge splits them again', async () => {
    const survivor = `crm-${unique()}`;
    const duplicate = `crm-${unique()}`;
    await recordAll([purchase(survivor, 30, 'SKU-M1', 100), purchase(duplicate, 10, 'SKU-M2', 300)]);
    await harness.caughtUp();
    const before = (await get(`/v1/customers/${survivor}`).expect(200)).body;
    const loyaltyBefore = (await get(`/v1/customers/${survivor}/loyalty`).expect(200)).body;
    expect(before.purchases).toMatchObject({ orders: 1, lifetimeSpend: 100 });

    await post(`/v1/customers/${survivor}/merge`, { mergedCustomerId: duplicate, reason: 'same person' }).expect(200);
    await harness.caughtUp();
    const merged = (await get(`/v1/customers/${survivor}`).expect(200)).body;
    expect(merged).toMatchObject({ mergedCustomers: [duplicate], purchases: { orders: 2, lifetimeSpend: 400 } });
    const loyaltyMerged = (await get(`/v1/customers/${survivor}/loyalty`).expect(200)).body;
    expect(loyaltyMerged.score).toBeGreaterThan(loyaltyBefore.score);
    await get(`/v1/customers/${duplicate}/loyalty`).expect(308);
    const scoreRows = await harness.db.query(
      'SELECT customer_id, orders FROM c360_customer_scores WHERE customer_id = ANY($1)',
      [[survivor, duplicate]],
    );
    expect(scoreRows.rows).toEqual([{ customer_id: survivor, orders: 2 }]);

    await post(`/v1/customers/${survivor}/unmerge`, { mergedCustomerId: duplicate, reason: 'two people' }).expect(200);
    await harness.caughtUp();
    expect((await get(`/v1/customers/${survivor}`).expect(200)).body.purchases).toMatchObject({
      orders: 1,
      lifetimeSpend: 100,
    });
    expect((await get(`/v1/customers/${duplicate}`).expect(200)).body.purchases).toMatchObject({
      orders: 1,
      lifetimeSpend: 300,
    });
  });

  it('rescores stored rows against the clock without new events', async () => {
    await harness.db.query(
      `UPDATE c360_customer_scores SET scored_at = now() - interval '7 days', loyalty_score = 100`,
    );
    const rescored = await harness.service.app.get(ScoreRefresher).refreshStale();
    expect(rescored).toBe(Number((await harness.db.query('SELECT count(*) AS n FROM c360_customer_scores')).rows[0].n));
    const stale = await harness.db.query(
      `SELECT count(*) AS n FROM c360_customer_scores WHERE scored_at < now() - interval '1 hour'`,
    );
    expect(stale.rows[0].n).toBe('0');
    const perfect = await harness.db.query('SELECT count(*) AS n FROM c360_customer_scores WHERE loyalty_score = 100');
    expect(Number(perfect.rows[0].n)).toBeLessThan(rescored);
  });

  it('rebuilt from the first event, every projection yields the same rows as live', async () => {
    await harness.caughtUp();
    const tables: Record<string, string> = {
      timeline:
        'SELECT event_id, customer_id, occurred_at, channel, type, summary, data FROM c360_timeline ORDER BY event_id',
      counts: 'SELECT * FROM c360_touchpoint_counts ORDER BY customer_id, channel, type',
      profiles: 'SELECT customer_id, state FROM c360_customer_profiles ORDER BY customer_id',
      scores:
        'SELECT customer_id, orders, historical_spend, historical_margin, open_complaints, marketing_consent, main_channel, ' +
        'first_purchase_at, last_purchase_at FROM c360_customer_scores ORDER BY customer_id',
      holdings: 'SELECT * FROM c360_cross_sell_holdings ORDER BY customer_id, sku',
      pairs: 'SELECT * FROM c360_cross_sell_pairs ORDER BY sku, other_sku',
      products: 'SELECT * FROM c360_cross_sell_products ORDER BY sku',
      totals: 'SELECT * FROM c360_cross_sell_totals',
      consents: 'SELECT * FROM c360_cross_sell_marketing_consents ORDER BY customer_id',
    };
    const snapshot = async () =>
      Object.fromEntries(
        await Promise.all(
          Object.entries(tables).map(async ([name, sql]) => [name, (await harness.db.query(sql)).rows]),
        ),
      );
    const live = await snapshot();
    expect(live.profiles.length).toBeGreaterThan(10);

    await harness.replayFromFirstEvent();
    await harness.caughtUp();
    expect(await snapshot()).toEqual(live);
  });
});

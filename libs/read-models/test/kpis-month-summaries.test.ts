import { CUSTOMER_STREAM_PREFIX, cohortsOf, relationshipKpis, serviceImpact, survivalCurves } from '@c360/domain';
import { createTestDatabase, type TestDatabase } from '@c360/testing';
import type { RecordedEvent } from '@c360/event-store';
import { DataSource } from 'typeorm';
import { KpisProjection } from '../src/kpis/kpis.projection.js';
import {
  cohortsAsOf,
  customerHistoriesAsOf,
  marketingSpendAsOf,
  relationshipKpisAsOf,
  serviceExperiencesAsOf,
  serviceImpactAsOf,
  survivalAsOf,
} from '../src/kpis/kpis.queries.js';
import { historiesFromFacts } from './kpi-plain-reading.js';
import { openPlantedKpiDatabase } from './kpi-seed.js';

/**
 * Given a planted history (several purchases a month, returns, customers merged, facts on month edges), the
 * KPI queries that read whole months from `c360_kpi_customer_months` answer exactly as the plain reading of
 * every fact does, for an `asOf` in the middle of a month and windows cut inside months.
 */
describe('KPI queries from month summaries', () => {
  let planted: Awaited<ReturnType<typeof openPlantedKpiDatabase>> | undefined;
  let dataSource: DataSource;

  beforeAll(async () => {
    planted = await openPlantedKpiDatabase();
    dataSource = planted.dataSource;
  });
  afterAll(() => planted?.close());

  const m = () => dataSource.manager;
  const asOfs = ['2023-08-17T13:45:00.000Z', '2024-03-01T00:00:00.000Z', '2025-01-10T00:00:00.000Z'].map(Date.parse);

  it.each(asOfs)('answers kpis and cohorts as the plain reading does (asOf %d)', async (asOf) => {
    const plain = await historiesFromFacts(dataSource, asOf);
    expect(plain.length).toBeGreaterThan(200);
    const spend = await marketingSpendAsOf(m(), asOf);
    for (const period of ['month', 'quarter', 'year'] as const)
      for (const churnAfterDays of [1, 20, 45, 365]) {
        const window = { period, from: Date.parse('2022-11-15'), to: asOf, asOf, churnAfterDays };
        expect(await relationshipKpisAsOf(m(), window)).toEqual(relationshipKpis(plain, spend, window));
      }
    for (const period of ['month', 'quarter'] as const) {
      const window = { period, from: Date.parse('2022-02-01'), to: asOf, asOf };
      expect(await cohortsAsOf(m(), window)).toEqual(cohortsOf(plain, window));
    }
  });

  it.each(asOfs)('answers survival and service impact as the plain reading does (asOf %d)', async (asOf) => {
    const plain = await historiesFromFacts(dataSource, asOf);
    for (const churnAfterDays of [1, 30, 365]) {
      expect(await survivalAsOf(m(), 'channel', asOf, churnAfterDays)).toEqual(
        survivalCurves(plain, (h) => h.firstChannel, asOf, churnAfterDays),
      );
      const experiences = await serviceExperiencesAsOf(m(), asOf);
      for (const [from, to] of [
        [Date.parse('2023-02-10T08:00:00Z'), Date.parse('2023-07-20T17:30:00Z')],
        [Date.parse('2023-01-01'), Date.parse('2024-01-01')],
      ] as const) {
        const window = { from, to, asOf, churnAfterDays };
        const answer = await serviceImpactAsOf(m(), window);
        expect(answer).toEqual(serviceImpact(plain, (id) => experiences.get(id), window));
        expect(answer.groups.reduce((n, g) => n + g.customers, 0)).toBeGreaterThan(0);
      }
    }
  });

  // Purchases fall on whole days (plus a customer's own hour), 53 days apart in the pattern, so silences of exactly
  // 53, 106 and 159 days are planted: a silence as long as the threshold is no churn.
  const thresholds = [30, 31, 45, 53, 90, 106, 159, 180, 364, 400, 730];
  it.each(asOfs)(
    'answers any churnAfterDays from 30 days on from the silences, as the exact path does (asOf %d)',
    async (asOf) => {
      const exact = await customerHistoriesAsOf(m(), asOf, [
        Date.parse('2023-02-10T08:00:00Z'),
        Date.parse('2023-07-20T17:30:00Z'),
        Date.parse('2023-07-20T17:30:00Z') - 1,
      ]);
      const spend = await marketingSpendAsOf(m(), asOf);
      const experiences = await serviceExperiencesAsOf(m(), asOf);
      for (const churnAfterDays of thresholds) {
        for (const period of ['month', 'quarter', 'year'] as const) {
          const window = { period, from: Date.parse('2022-11-15'), to: asOf, asOf, churnAfterDays };
          expect(await relationshipKpisAsOf(m(), window)).toEqual(relationshipKpis(exact, spend, window));
        }
        for (const by of ['none', 'channel'] as const)
          expect(await survivalAsOf(m(), by, asOf, churnAfterDays)).toEqual(
            survivalCurves(exact, (h) => (by === 'none' ? 'all' : h.firstChannel), asOf, churnAfterDays),
          );
        for (const [from, to] of [
          [Date.parse('2023-02-10T08:00:00Z'), Date.parse('2023-07-20T17:30:00Z')],
          [Date.parse('2022-06-01'), Date.parse('2024-06-01')],
        ] as const) {
          const window = { from, to: Math.min(to, asOf + 1), asOf, churnAfterDays };
          if (window.from > asOf) continue;
          expect(await serviceImpactAsOf(m(), window)).toEqual(
            serviceImpact(exact, (id) => experiences.get(id), window),
          );
        }
      }
    },
  );

  it('reads no history for a churnAfterDays from 30 days on, and every history below', async () => {
    const asOf = Date.parse('2024-03-01T00:00:00.000Z');
    const read = async (churnAfterDays: number) => {
      const queries: string[] = [];
      await dataSource.transaction(async (manager) => {
        const query = manager.query.bind(manager);
        manager.query = ((sql: string, parameters?: unknown[]) => {
          queries.push(sql);
          return query(sql, parameters);
        }) as typeof manager.query;
        const window = { period: 'month' as const, from: Date.parse('2023-01-01'), to: asOf, asOf, churnAfterDays };
        await relationshipKpisAsOf(manager, window);
        await survivalAsOf(manager, 'channel', asOf, churnAfterDays);
        await serviceImpactAsOf(manager, { from: Date.parse('2023-01-01'), to: asOf, asOf, churnAfterDays });
      });
      // the histories' reading of every stream's month rows has no stream filter
      return queries.filter((q) => q.includes('FROM c360_kpi_customer_months f') && !q.includes('ANY($3::text[])'));
    };
    for (const churnAfterDays of [30, 90, 365, 730]) expect(await read(churnAfterDays)).toEqual([]);
    expect((await read(29)).length).toBe(3);
  });

  // A living customer's lifetime is asOf − first purchase in whole days, floored to the millisecond: first
  // purchases here fall on every hour and on the last millisecond of a month, so an asOf on either side of
  // those instants moves some customers by a day (and a churned customer's lifetime, last − first purchase,
  // has a time of day of its own).
  const edges = [
    '2024-06-10T04:59:59.999Z',
    '2024-06-10T05:00:00.000Z',
    '2024-06-10T17:00:00.000Z',
    '2024-06-30T23:59:59.998Z',
    '2024-06-30T23:59:59.999Z',
  ].map(Date.parse);
  it.each(edges)(
    'counts lifetimes in whole days as the plain reading does at an asOf inside a day (%d)',
    async (asOf) => {
      const plain = await historiesFromFacts(dataSource, asOf);
      for (const by of ['none', 'channel'] as const) {
        const curves = await survivalAsOf(m(), by, asOf, 365);
        expect(curves).toEqual(survivalCurves(plain, (h) => (by === 'none' ? 'all' : h.firstChannel), asOf, 365));
        expect(curves.length).toBeGreaterThan(0);
      }
    },
  );
});

/**
 * The derived rows the projection keeps (alive spans, previous active months) answer as the plain reading does
 * when customers churn and come back (within one period too), purchases arrive late (out of order), and streams
 * are merged: the facts go through `KpisProjection` in batches, as in production.
 */
describe('KPI queries from the derived rows, through the projection', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let position = 0;
  const event = (type: string, customer: string, at: string, data: object, channel = 'web'): RecordedEvent => {
    position += 1;
    const eventId = `e-${position}`;
    return {
      eventId,
      type,
      data,
      metadata: { eventId, recordedAt: at, occurredAt: at, channel },
      streamId: `${CUSTOMER_STREAM_PREFIX}${customer}`,
      streamRevision: position,
      position: String(position),
      recordedAt: at,
    };
  };
  const purchase = (customer: string, at: string, price = 100, channel = 'web'): RecordedEvent =>
    event(
      'PurchaseMade',
      customer,
      at,
      { lines: [{ sku: 'X', quantity: 1, unitPrice: price, unitCost: price / 2 }] },
      channel,
    );
  const opened = (customer: string, caseId: string, at: string) =>
    event('ComplaintOpened', customer, at, { caseId, category: 'delivery', severity: 'high', text: '' }, 'call-center');
  const resolved = (customer: string, caseId: string, at: string) =>
    event('ComplaintResolved', customer, at, { caseId, resolution: 'refund' }, 'call-center');
  const survey = (customer: string, at: string, nps: number) =>
    event('SurveyAnswered', customer, at, { surveyId: `s-${position}`, nps }, 'email');

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: database.url });
    await dataSource.initialize();
    const projection = new KpisProjection();
    const apply = (events: RecordedEvent[]) => dataSource.transaction((m) => projection.apply(events, m));
    await apply([
      // churns 2022-01-10 (2021-01-10 + 365 d), comes back 2022-03-05, churns again 2023-03-05, back 2023-06-15
      purchase('comeback', '2021-01-10T12:00:00.000Z'),
      purchase('comeback', '2022-03-05T12:00:00.000Z'),
      purchase('comeback', '2023-06-15T12:00:00.000Z'),
      // churns 2022-05-02 and comes back 2022-05-20: alive at both ends of May 2022
      purchase('same-month', '2021-05-02T08:00:00.000Z', 50, 'store'),
      purchase('same-month', '2022-05-20T08:00:00.000Z', 50, 'store'),
      // churns 2022-07-03, back 2022-08-10 and churns 2023-08-10: the same quarter holds a churn and a comeback
      purchase('same-quarter', '2021-07-03T00:00:00.000Z', 70, 'email'),
      purchase('same-quarter', '2022-08-10T00:00:00.000Z', 70, 'email'),
      // a gap closed later by a late purchase
      purchase('late', '2021-02-01T10:00:00.000Z'),
      purchase('late', '2022-08-01T10:00:00.000Z'),
      // two streams of one customer: alone each is one span, together a churn and a comeback
      purchase('root', '2021-01-01T09:00:00.000Z'),
      purchase('member', '2022-02-15T09:00:00.000Z', 80, 'store'),
      // long gone when it sends a purchase back in 2022: its return is no customer's spend in a 2022 window
      purchase('returner', '2020-01-10T12:00:00.000Z', 60),
      event('PurchaseReturned', 'returner', '2022-06-01T12:00:00.000Z', {
        orderId: 'o-returner',
        lines: [{ sku: 'X', quantity: 1 }],
        reason: 'late',
      }),
      // a silence from 2021-09-01 that a late purchase two weeks later ends (below)
      purchase('closer', '2021-09-01T09:00:00.000Z'),
      purchase('closer', '2022-02-01T09:00:00.000Z'),
      // silent from 2023-06-06 until after asOf 2023-11-03: exactly 150 days by then
      purchase('on-the-day', '2023-06-06T00:00:00.000Z'),
      purchase('on-the-day', '2024-01-01T00:00:00.000Z'),
      // buys first in the evening of a window's last day, after the window ends at 06:00
      purchase('night-owl', '2023-09-20T18:00:00.000Z', 90),
      purchase('steady', '2021-03-03T00:00:00.000Z'),
      purchase('steady', '2021-12-03T00:00:00.000Z'),
      purchase('steady', '2022-11-03T00:00:00.000Z'),
      // churns exactly at asOf 2023-11-03T00:00Z below
      purchase('edge', '2022-11-03T00:00:00.000Z'),
      // complaints: resolved in 3 days, in exactly 7 days, in 49 days, never; one resolved only in a later batch
      opened('steady', 'k-1', '2022-03-01T10:00:00.000Z'),
      resolved('steady', 'k-1', '2022-03-04T10:00:00.000Z'),
      opened('same-month', 'k-2', '2022-05-01T08:00:00.000Z'),
      resolved('same-month', 'k-2', '2022-05-08T08:00:00.000Z'),
      opened('comeback', 'k-3', '2022-04-01T12:00:00.000Z'),
      resolved('comeback', 'k-3', '2022-05-20T12:00:00.000Z'),
      opened('same-quarter', 'k-4', '2022-09-01T00:00:00.000Z'),
      opened('late', 'k-5', '2022-06-01T10:00:00.000Z'),
      // a complaint of the merged customer's member stream, unresolved, and a bad answer on its root stream
      opened('member', 'k-6', '2022-03-01T09:00:00.000Z'),
      survey('root', '2022-04-01T09:00:00.000Z', 2),
      // NPS: a bad answer 90 days before edge's last purchase (the first instant counted), a good one, one too early
      survey('edge', '2022-08-05T00:00:00.000Z', 5),
      survey('steady', '2022-12-01T00:00:00.000Z', 9),
      survey('comeback', '2021-06-01T00:00:00.000Z', 0),
      survey('comeback', '2022-12-24T12:00:00.000Z', 6),
    ]);
    // the late facts of a later batch
    await apply([
      purchase('late', '2021-12-01T10:00:00.000Z'),
      purchase('closer', '2021-09-15T09:00:00.000Z'),
      purchase('same-month', '2021-04-20T08:00:00.000Z', 50, 'store'),
      purchase('steady', '2023-10-01T00:00:00.000Z'),
      resolved('late', 'k-5', '2023-01-15T10:00:00.000Z'),
      // a touchpoint before edge's first one (its survey), from another channel: edge is new through social now
      event('PageViewed', 'edge', '2022-07-01T00:00:00.000Z', { url: '/', sessionId: 'w-1' }, 'social'),
      opened('steady', 'k-7', '2023-02-01T00:00:00.000Z'),
      resolved('steady', 'k-7', '2023-02-20T00:00:00.000Z'),
    ]);
    await dataSource.query(
      `INSERT INTO c360_customers (customer_id, root_id) VALUES ('root', 'root'), ('member', 'root'), ('steady', 'steady')`,
    );
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('keeps a span per churn and comeback, recomputed when late purchases arrive', async () => {
    const spans = (await dataSource.query(
      `SELECT customer_id, started_at, churn_at FROM c360_kpi_customer_lives ORDER BY customer_id, started_at`,
    )) as { customer_id: string; started_at: Date; churn_at: Date }[];
    const of = (customer: string) =>
      spans.filter((s) => s.customer_id === customer).map((s) => s.churn_at.toISOString().slice(0, 10));
    expect(of('comeback')).toEqual(['2022-01-10', '2023-03-05', '2024-06-14']);
    expect(of('same-month')).toEqual(['2022-05-02', '2023-05-20']);
    // 2021-12-01 closes the gap: one span
    expect(of('late')).toEqual(['2023-08-01']);
    expect(of('member')).toEqual(['2023-02-15']);
  });

  it('keeps the month totals equal to a recount of the month rows after late purchases and touchpoints', async () => {
    const recount = `SELECT m.month::text, coalesce(m.previous_active_month, '-infinity'::date)::text AS previous,
                            CASE WHEN m.previous_active_month IS NULL THEN coalesce(t.channel, 'unknown') ELSE '' END AS channel,
                            count(*) FILTER (WHERE m.first_purchase_at IS NOT NULL)::int AS customers,
                            sum(m.revenue)::float8 AS revenue, sum(m.cost)::float8 AS cost
                       FROM c360_kpi_customer_months m
                       LEFT JOIN c360_kpi_first_touchpoints t ON t.customer_id = m.customer_id
                      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
    const kept = `SELECT month::text, previous_active_month::text AS previous, channel, customers,
                         revenue::float8 AS revenue, cost::float8 AS cost
                    FROM c360_kpi_months WHERE customers <> 0 OR revenue <> 0 OR cost <> 0 ORDER BY 1, 2, 3`;
    const expected = (await dataSource.query(recount)) as { channel: string }[];
    expect(await dataSource.query(kept)).toEqual(expected);
    expect(expected.some((r) => r.channel === 'social')).toBe(true);
  });

  it('keeps the first channel on every alive span after late touchpoints from another channel', async () => {
    const kept = (await dataSource.query(
      `SELECT l.customer_id, l.channel, l.first_touch_at, t.channel AS first_channel, t.occurred_at AS first_at
         FROM c360_kpi_customer_lives l LEFT JOIN c360_kpi_first_touchpoints t ON t.customer_id = l.customer_id`,
    )) as { customer_id: string; channel: string; first_touch_at: Date; first_channel: string; first_at: Date }[];
    expect(kept.length).toBeGreaterThan(8);
    for (const row of kept) expect([row.channel, row.first_touch_at]).toEqual([row.first_channel, row.first_at]);
    // edge's page view of 2022-07-01, projected in the later batch, came before its first purchase
    expect(kept.find((r) => r.customer_id === 'edge')).toMatchObject({
      channel: 'social',
      first_touch_at: new Date('2022-07-01T00:00:00.000Z'),
    });
  });

  it('keeps the span totals equal to a recount of the spans after late purchases', async () => {
    const recount = `SELECT date_trunc('month', started_at AT TIME ZONE 'UTC')::date::text AS started,
                            date_trunc('month', churn_at AT TIME ZONE 'UTC')::date::text AS churned, count(*)::int AS spans
                       FROM c360_kpi_customer_lives GROUP BY 1, 2 ORDER BY 1, 2`;
    const kept = `SELECT started_month::text AS started, churn_month::text AS churned, spans
                    FROM c360_kpi_span_months WHERE spans <> 0 ORDER BY 1, 2`;
    expect(await dataSource.query(kept)).toEqual(await dataSource.query(recount));
    // late's late purchase merged its span started 2022-08-01 into its first: same-quarter's is the one left
    const kept0808 = (await dataSource.query(
      `SELECT spans FROM c360_kpi_span_months WHERE started_month = '2022-08-01' AND churn_month = '2023-08-01'`,
    )) as { spans: number }[];
    expect(kept0808).toEqual([{ spans: 1 }]);
  });

  it('keeps the comeback totals equal to a recount of the spans after late purchases', async () => {
    const recount = `SELECT date_trunc('month', j.started_at AT TIME ZONE 'UTC')::date::text AS started,
                            date_trunc('month', j.churn_at AT TIME ZONE 'UTC')::date::text AS churned,
                            m.covered::date::text AS covered, count(DISTINCT (j.customer_id, j.started_at))::int AS spans
                       FROM c360_kpi_customer_lives j
                       JOIN c360_kpi_customer_lives p ON p.customer_id = j.customer_id AND p.started_at < j.started_at
                       JOIN generate_series(timestamp '2020-01-01', timestamp '2026-12-01', interval '1 month') m(covered)
                         ON m.covered <= j.started_at AT TIME ZONE 'UTC'
                        AND m.covered > date_trunc('month', j.started_at AT TIME ZONE 'UTC') - interval '1 year'
                        AND p.started_at < m.covered AT TIME ZONE 'UTC' AND p.churn_at >= m.covered AT TIME ZONE 'UTC'
                      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
    const kept = `SELECT started_month::text AS started, churn_month::text AS churned, covered_month::text AS covered, spans
                    FROM c360_kpi_comeback_months WHERE spans <> 0 ORDER BY 1, 2, 3`;
    const expected = (await dataSource.query(recount)) as { started: string; covered: string }[];
    expect(await dataSource.query(kept)).toEqual(expected);
    // comeback's return on 2022-03-05 after its churn on 2022-01-10: alive at 2021-04-01 .. 2022-01-01 only
    expect(expected.filter((r) => r.started === '2022-03-01').map((r) => r.covered)).toContain('2022-01-01');
    expect(expected.filter((r) => r.started === '2022-03-01').map((r) => r.covered)).not.toContain('2022-02-01');
  });

  it('keeps the silences longer than 30 days and their totals equal to a recount of the purchases', async () => {
    const recount = `SELECT p.customer_id, p.occurred_at AS purchase_at, n.next AS next_purchase_at
                       FROM (SELECT DISTINCT customer_id, occurred_at FROM c360_kpi_purchases WHERE orders > 0) p
                      CROSS JOIN LATERAL (SELECT min(q.occurred_at) AS next FROM c360_kpi_purchases q
                                           WHERE q.customer_id = p.customer_id AND q.orders > 0
                                             AND q.occurred_at > p.occurred_at) n
                      WHERE n.next IS NULL OR n.next > p.occurred_at + interval '720 hours'
                      ORDER BY 1, 2`;
    const kept = `SELECT customer_id, purchase_at, next_purchase_at FROM c360_kpi_silences ORDER BY 1, 2`;
    const expected = (await dataSource.query(recount)) as { customer_id: string; purchase_at: Date }[];
    expect(await dataSource.query(kept)).toEqual(expected);
    // late's purchase of 2021-12-01, projected in the later batch, split its silence from 2021-02-01 in two;
    // closer's of 2021-09-15 ended its silence from 2021-09-01 after two weeks
    const of = (customer: string) =>
      expected.filter((r) => r.customer_id === customer).map((r) => r.purchase_at.toISOString().slice(0, 10));
    expect(of('late')).toEqual(['2021-02-01', '2021-12-01', '2022-08-01']);
    expect(of('closer')).toEqual(['2021-09-15', '2022-02-01']);
    const totals = `SELECT to_char(purchase_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
                           coalesce(to_char(next_purchase_at AT TIME ZONE 'UTC', 'YYYY-MM'), 'none') AS next,
                           count(*)::int AS silences
                      FROM c360_kpi_silences GROUP BY 1, 2 ORDER BY 1, 2`;
    const keptTotals = `SELECT purchase_day::text AS day,
                               CASE WHEN next_month = 'infinity' THEN 'none' ELSE to_char(next_month, 'YYYY-MM') END AS next,
                               silences
                          FROM c360_kpi_silence_days WHERE silences <> 0 ORDER BY 1, 2`;
    expect(await dataSource.query(keptTotals)).toEqual(await dataSource.query(totals));
  });

  it('keeps the complainant months equal to the month rows of every stream with a case', async () => {
    const recount = `SELECT customer_id, month::text, revenue::float8 AS revenue FROM c360_kpi_customer_months
                      WHERE customer_id IN (SELECT customer_id FROM c360_kpi_complaints) ORDER BY 1, 2`;
    const kept = `SELECT customer_id, month::text, revenue::float8 AS revenue FROM c360_kpi_complainant_months
                   ORDER BY 1, 2`;
    const expected = (await dataSource.query(recount)) as { customer_id: string; month: string }[];
    expect(await dataSource.query(kept)).toEqual(expected);
    // steady's purchase of the later batch, after its cases of the first
    expect(expected.filter((r) => r.customer_id === 'steady').map((r) => r.month)).toContain('2023-10-01');
  });

  it('keeps the cohort totals equal to a recount of the month rows after late purchases', async () => {
    const recount = `SELECT first_active_month::text AS first, month::text,
                            coalesce(previous_active_month, '-infinity'::date)::text AS previous,
                            count(*) FILTER (WHERE first_purchase_at IS NOT NULL)::int AS customers,
                            sum(revenue)::float8 AS revenue
                       FROM c360_kpi_customer_months WHERE first_active_month IS NOT NULL
                      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
    const kept = `SELECT first_active_month::text AS first, month::text, previous_active_month::text AS previous,
                         customers, revenue::float8 AS revenue
                    FROM c360_kpi_cohort_months WHERE customers <> 0 OR revenue <> 0 ORDER BY 1, 2, 3`;
    const expected = (await dataSource.query(recount)) as { first: string }[];
    expect(await dataSource.query(kept)).toEqual(expected);
    // same-month's late purchase of 2021-04-20 moved its cohort from 2021-05 to 2021-04
    const cohort = (first: string) =>
      dataSource.query(`SELECT coalesce(sum(customers), 0)::int AS n FROM c360_kpi_cohort_months
                         WHERE first_active_month = '${first}' AND previous_active_month = '-infinity'`);
    expect(await cohort('2021-04-01')).toEqual([{ n: 1 }]);
    expect(await cohort('2021-05-01')).toEqual([{ n: 0 }]);
  });

  const asOfs = [
    '2022-05-25T00:00:00.000Z',
    '2022-08-31T23:59:59.999Z',
    '2023-06-15T12:00:00.000Z',
    '2023-11-03T00:00:00.000Z',
    '2025-01-01T00:00:00.000Z',
  ].map(Date.parse);

  // 150 days: on-the-day's silence from 2023-06-06 ends exactly at asOf 2023-11-03; 460 days: comeback's silence
  // from 2022-03-05 holds June 2023's start and ends at asOf 2023-06-15T12:00 with a purchase; below 30 days, the
  // exact path
  const thresholds = [20, 30, 90, 150, 180, 365, 400, 460, 730];
  it.each(asOfs)('answers as the plain reading does (asOf %d)', async (asOf) => {
    const m = dataSource.manager;
    const plain = await historiesFromFacts(dataSource, asOf);
    const spend = await marketingSpendAsOf(m, asOf);
    for (const period of ['month', 'quarter', 'year'] as const)
      for (const churnAfterDays of thresholds) {
        const window = { period, from: Date.parse('2021-01-01'), to: asOf, asOf, churnAfterDays };
        expect(await relationshipKpisAsOf(m, window)).toEqual(relationshipKpis(plain, spend, window));
      }
    for (const period of ['month', 'quarter'] as const) {
      const window = { period, from: Date.parse('2021-01-01'), to: asOf, asOf };
      expect(await cohortsAsOf(m, window)).toEqual(cohortsOf(plain, window));
    }
    for (const by of ['none', 'channel'] as const)
      for (const churnAfterDays of thresholds)
        expect(await survivalAsOf(m, by, asOf, churnAfterDays)).toEqual(
          survivalCurves(plain, (h) => (by === 'none' ? 'all' : h.firstChannel), asOf, churnAfterDays),
        );
    const experiences = await serviceExperiencesAsOf(m, asOf);
    for (const [from, to] of [
      ['2021-06-15T10:00:00.000Z', '2025-01-01T00:00:00.000Z'],
      ['2022-01-01T00:00:00.000Z', '2022-12-31T23:59:59.999Z'],
      ['2022-03-10T12:00:00.000Z', '2023-09-20T06:00:00.000Z'],
      ['2023-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
    ].map(([f, t]) => [Date.parse(f!), Math.min(Date.parse(t!), asOf)] as const))
      for (const churnAfterDays of thresholds) {
        const window = { from, to, asOf, churnAfterDays };
        expect(await serviceImpactAsOf(m, window)).toEqual(serviceImpact(plain, (id) => experiences.get(id), window));
      }
  });

  it('tells the service impact of complaints and bad answers, merged streams together', async () => {
    const impact = await serviceImpactAsOf(dataSource.manager, {
      from: Date.parse('2022-01-01T00:00:00.000Z'),
      to: Date.parse('2023-12-31T23:59:59.999Z'),
      asOf: Date.parse('2024-12-31T00:00:00.000Z'),
      churnAfterDays: 365,
    });
    const group = (name: string) => {
      const g = impact.groups.find((x) => x.group === name)!;
      return [g.customers, g.churned];
    };
    // edge: no complaint, churns 2023-11-03; closer churns 2023-02-01; night-owl and on-the-day, new in 2023,
    // alive at its end
    expect(group('no-complaint')).toEqual([4, 2]);
    // same-month (exactly 7 days) churns 2023-05-20
    expect(group('resolved-within-7-days')).toEqual([1, 1]);
    // comeback (49 days), late (resolved in the later batch, before its churn on 2023-08-01), steady (19 days
    // in 2023 is its worst)
    expect(group('resolved-later')).toEqual([3, 1]);
    // same-quarter and root shown with its member stream's complaint: both churn
    expect(group('unresolved')).toEqual([2, 2]);
    // bad: same-quarter and root (unresolved), edge (an NPS 5 exactly 90 days before its last purchase)
    expect(impact.churnedCustomers).toBe(6);
    expect(impact.churnedAfterBadExperience).toBe(3);
    // 3, 7, 19, 49 and 228 days
    expect(impact.resolvedComplaints).toBe(5);
    expect(impact.medianResolutionDays).toBe(19);
  });

  it('counts a churn followed by a comeback in the same month as no churn, and the merged customer as one', async () => {
    const asOf = Date.parse('2022-06-30T00:00:00.000Z');
    const kpis = await relationshipKpisAsOf(dataSource.manager, {
      period: 'month',
      from: Date.parse('2022-01-01'),
      to: asOf,
      asOf,
      churnAfterDays: 365,
    });
    const month = (label: string) => kpis.periods.find((p) => p.period === label)!;
    // 2022-01: comeback (Jan 10) and root (Jan 1, shown with member) churn
    expect(month('2022-01').churnedCustomers).toBe(2);
    // 2022-05: same-month churns May 2 and is back May 20: alive at both ends
    expect(month('2022-05').churnedCustomers).toBe(0);
    expect(month('2022-05').activeCustomers).toBe(1);
  });
});

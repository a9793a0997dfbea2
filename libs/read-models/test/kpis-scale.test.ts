import { createTestDatabase, type TestDatabase } from '@c360/testing';
import { DataSource } from 'typeorm';
import { cohortsAsOf, relationshipKpisAsOf, serviceImpactAsOf, survivalAsOf } from '../src/kpis/kpis.queries.js';
import { seedKpiComplainantMonths, seedKpiMonthSummaries, seedKpiMonthTotals } from './kpi-seed.js';

/**
 * The KPI queries at benchmark scale (KPI_SCALE customers, ~6 purchases each, complaints, NPS, spend), seeded
 * straight into the read model. Off unless KPI_SCALE is set: `KPI_SCALE=50000 npm test -- libs/read-models/test/kpis-scale`;
 * `KPI_SCALE_RUNS` calls are timed per query (default 5), and `KPI_SCALE_CHURN_DAYS` (default 180) is the
 * `churnAfterDays` other than 365 timed on every endpoint that takes one.
 */
const scale = Number(process.env.KPI_SCALE ?? 0);
const maybe = scale > 0 ? describe : describe.skip;

maybe('KPI queries at scale', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: database.url });
    await dataSource.initialize();
    await dataSource.query(
      `INSERT INTO c360_kpi_purchases (event_id, customer_id, occurred_at, orders, revenue, costed_revenue, cost)
       SELECT 'p-' || c || '-' || k, 'c-' || c,
              timestamptz '2022-01-01' + ((c * 7919 + k * 104729) % 1400) * interval '1 day' + (k * interval '1 hour'),
              1, 60 + (c % 40), 40 + (c % 20), 25
         FROM generate_series(1, $1::int) c, generate_series(1, 1 + (c % 11)) k`,
      [scale],
    );
    // the per-month summary the projection keeps beside the facts, and the rows it derives from them
    await seedKpiMonthSummaries(dataSource);
    await dataSource.query(
      `INSERT INTO c360_kpi_first_touchpoints (customer_id, occurred_at, channel)
       SELECT 'c-' || c, timestamptz '2021-12-01', (ARRAY['web','store','email','social'])[1 + c % 4]
         FROM generate_series(1, $1::int) c`,
      [scale],
    );
    await seedKpiMonthTotals(dataSource);
    await dataSource.query(
      `INSERT INTO c360_kpi_complaints (customer_id, case_id, opened_at, resolved_at)
       SELECT 'c-' || c, 'case-' || c, timestamptz '2024-01-01' + (c % 300) * interval '1 day',
              CASE WHEN c % 3 = 0 THEN NULL ELSE timestamptz '2024-01-01' + (c % 300 + c % 20) * interval '1 day' END
         FROM generate_series(1, $1::int, 10) c`,
      [scale],
    );
    await seedKpiComplainantMonths(dataSource);
    await dataSource.query(
      `INSERT INTO c360_kpi_nps (event_id, customer_id, occurred_at, nps)
       SELECT 'n-' || c, 'c-' || c, timestamptz '2024-06-01', c % 11 FROM generate_series(1, $1::int, 5) c`,
      [scale],
    );
    await dataSource.query(
      `INSERT INTO c360_kpi_marketing_spend (spend_id, channel, amount, currency, period_start, period_end, occurred_at)
       SELECT 's-' || m || '-' || ch, ch, 1000, 'EUR', date '2022-01-01' + m * 30, date '2022-01-01' + m * 30 + 29, now()
         FROM generate_series(0, 47) m, unnest(ARRAY['web','store','email','social']) ch`,
    );
    // every customer has its identity row, as in production; one in a thousand is merged into its neighbour
    await dataSource.query(
      `INSERT INTO c360_customers (customer_id, root_id, merged_into)
       SELECT 'c-' || c, CASE WHEN c % 1000 = 0 THEN 'c-' || (c - 1) ELSE 'c-' || c END, NULL
         FROM generate_series(1, $1::int) c`,
      [scale],
    );
    await dataSource.query(`UPDATE c360_customers SET merged_into = root_id WHERE root_id <> customer_id`);
    await dataSource.query('ANALYZE');
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('answers every KPI endpoint query, timed', async () => {
    const asOf = Date.parse('2025-12-31T00:00:00Z');
    const runs = Number(process.env.KPI_SCALE_RUNS ?? 5);
    // one warm-up call, then the median of `runs` calls
    const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      let answer = await run();
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        answer = await run();
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const p50 = times[Math.floor((times.length - 1) / 2)]!;
      process.stdout.write(
        `  ${name}: p50 ${p50.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times[times.length - 1]!.toFixed(0)}) ` +
          `over ${runs} calls at ${scale} customers\n`,
      );
      return answer;
    };
    const m = dataSource.manager;
    const window = { period: 'month' as const, from: Date.parse('2024-01-01'), to: asOf, asOf };
    // Timings are printed, never asserted; what is asserted is that each answer covers the planted data.
    const kpis = await timed('kpis (24 months)', () => relationshipKpisAsOf(m, { ...window, churnAfterDays: 365 }));
    expect(kpis.periods).toHaveLength(24);
    expect(kpis.periods.some((p) => p.activeCustomers > 0)).toBe(true);
    const cohorts = await timed('cohorts (24 months)', () => cohortsAsOf(m, window));
    expect(cohorts.length).toBeGreaterThan(0);
    const survival = await timed('survival by channel', () => survivalAsOf(m, 'channel', asOf, 365));
    expect(survival.length).toBeGreaterThan(0);
    const other = Number(process.env.KPI_SCALE_CHURN_DAYS ?? 180);
    const kpisOther = await timed(`kpis (24 months, churnAfterDays ${other})`, () =>
      relationshipKpisAsOf(m, { ...window, churnAfterDays: other }),
    );
    expect(kpisOther.periods.some((p) => p.churnedCustomers > 0)).toBe(true);
    const survivalOther = await timed(`survival by channel (churnAfterDays ${other})`, () =>
      survivalAsOf(m, 'channel', asOf, other),
    );
    expect(survivalOther.length).toBeGreaterThan(0);
    const impact = await timed('service impact (1 year)', () =>
      serviceImpactAsOf(m, { from: Date.parse('2025-01-01'), to: asOf, asOf, churnAfterDays: 365 }),
    );
    expect(impact.groups.reduce((n, g) => n + g.customers, 0)).toBeGreaterThan(0);
    // the year the complaints were opened in
    const complained = await timed('service impact (2024, with the complaints)', () =>
      serviceImpactAsOf(m, {
        from: Date.parse('2024-01-01'),
        to: Date.parse('2025-01-01') - 1,
        asOf,
        churnAfterDays: 365,
      }),
    );
    expect(complained.resolvedComplaints).toBeGreaterThan(0);
    expect(complained.churnedAfterBadExperience).toBeGreaterThan(0);
    const complainedOther = await timed(`service impact (2024, churnAfterDays ${other})`, () =>
      serviceImpactAsOf(m, {
        from: Date.parse('2024-01-01'),
        to: Date.parse('2025-01-01') - 1,
        asOf,
        churnAfterDays: other,
      }),
    );
    expect(complainedOther.churnedAfterBadExperience).toBeGreaterThan(0);
  }, 900_000);
});

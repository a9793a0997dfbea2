import { randomUUID } from 'node:crypto';
import { KpisProjection } from '@c360/read-models';
import { aPurchase } from '@c360/testing';
import { ServiceHarness } from './service-harness.js';

const API_KEY = 'e2e-kpis-key-0123456789abcdef';

/**
 * Each story plants its history in an era of its own (2002, 2010, 2012, …) and asks with `asOf`, `from`, `to`
 * and a `churnAfterDays` that keep the other eras' customers out of its figures.
 */
describe('relationship KPIs over HTTP: planted histories, as of any instant, rebuilt from the first event', () => {
  const harness = new ServiceHarness(API_KEY);
  const get = (path: string) => harness.get(path);
  const post = (path: string, body: unknown) => harness.post(path, body);
  const http = () => harness.http();
  const tag = randomUUID().slice(0, 6);
  const id = (name: string) => `${name}-${tag}`;

  beforeAll(async () => {
    await harness.start();
  });
  afterAll(async () => {
    await harness.stop();
  });

  const recordAll = (bodies: Record<string, unknown>[]) => harness.recordAll(bodies);

  const noon = (day: string) => (day.length === 10 ? `${day}T12:00:00Z` : day);
  const buy = (customer: string, day: string, lines?: Record<string, unknown>[]) =>
    aPurchase({
      customer: { customerId: id(customer) },
      occurredAt: noon(day),
      data: {
        orderId: `o-${randomUUID()}`,
        currency: 'EUR',
        lines: lines ?? [{ sku: 'SKU-1', category: 'c', quantity: 1, unitPrice: 100 }],
      },
    });
  const touch = (customer: string, channel: string, type: string, day: string, data: Record<string, unknown>) => ({
    touchpointId: `${channel}-${randomUUID()}`,
    channel,
    type,
    occurredAt: noon(day),
    customer: { customerId: id(customer) },
    data,
  });

  it('estimates lifetime with Kaplan–Meier, censoring the living: the median differs from the mean of the churned', async () => {
    await recordAll([
      buy('km-x', '2002-01-01'),
      buy('km-y', '2002-01-01'),
      buy('km-y', '2002-01-11'),
      buy('km-z', '2002-01-01'),
      buy('km-z', '2002-04-11'),
      buy('km-p', '2003-01-01'),
      buy('km-p', '2004-12-01'),
      buy('km-q', '2004-01-01'),
      buy('km-q', '2004-06-01'),
    ]);
    await harness.caughtUp();
    const asOf = '2005-01-01T12:00:00Z';
    const kpis = (await get(`/v1/analytics/kpis?period=quarter&from=2004-01-01&to=2004-12-31&asOf=${asOf}`).expect(200))
      .body;
    // churned lifetimes 0, 10, 100 days; alive p (731 days) and q (366): S(0) = 4/5, S(10) = 3/5, S(100) = 2/5
    expect(kpis.averageLifetimeDays).toMatchObject({
      kaplanMeierMedian: 100,
      observedMean: 36.67,
      customers: 5,
      churned: 3,
    });
    expect(kpis.averageLifetimeDays.kaplanMeierMean).toBeCloseTo(314.4, 5);
    const survival = (await get(`/v1/analytics/survival?by=none&asOf=${asOf}`).expect(200)).body;
    expect(survival.groups).toHaveLength(1);
    expect(survival.groups[0]).toMatchObject({ group: 'all', customers: 5, churned: 3, medianDays: 100 });
    expect(survival.groups[0].points.map((p: { day: number; atRisk: number }) => [p.day, p.atRisk])).toEqual([
      [0, 5],
      [10, 4],
      [100, 3],
      [731, 1],
    ]);
  });

  it('counts active, new and retained customers, and cohorts with known retention shares', async () => {
    await recordAll([
      ...['2010-01-05', '2010-02-05', '2010-03-05'].map((d) => buy('r-a', d)),
      ...['2010-01-06', '2010-02-06'].map((d) => buy('r-b', d)),
      ...['2010-01-07', '2010-02-07', '2010-02-17', '2010-03-07'].map((d) => buy('r-c', d)),
      buy('r-d', '2010-01-08'),
      buy('r-e', '2010-01-09'),
      buy('r-f', '2010-03-09'),
    ]);
    await harness.caughtUp();
    const window = 'from=2010-01-01&to=2010-03-31&asOf=2010-04-01';
    const kpis = (await get(`/v1/analytics/kpis?period=month&${window}&churnAfterDays=30`).expect(200)).body;
    expect(
      kpis.periods.map((p: Record<string, unknown>) => [
        p.period,
        p.activeCustomers,
        p.newCustomers,
        p.retainedCustomers,
        p.retentionRate,
      ]),
    ).toEqual([
      ['2010-01', 5, 5, 0, null],
      ['2010-02', 3, 0, 3, 0.6],
      ['2010-03', 3, 1, 2, 0.6667],
    ]);
    const cohorts = (await get(`/v1/analytics/cohorts?period=month&${window}`).expect(200)).body;
    expect(cohorts).toMatchObject({
      period: 'month',
      cohorts: [
        { cohort: '2010-01', size: 5, retention: [1, 0.6, 0.4], revenue: [500, 400, 200] },
        { cohort: '2010-03', size: 1, retention: [1], revenue: [100] },
      ],
      nextOffset: null,
    });
    const firstPage = (await get(`/v1/analytics/cohorts?period=month&${window}&limit=1`).expect(200)).body;
    expect(firstPage.cohorts.map((c: { cohort: string }) => c.cohort)).toEqual(['2010-01']);
    expect(firstPage.nextOffset).toBe(1);
    const csv = await get(`/v1/analytics/cohorts?period=month&${window}`).set('Accept', 'text/csv').expect(200);
    expect(csv.text.trim().split('\n')).toEqual([
      'cohort,size,retention,revenue',
      '2010-01,5,"[1,0.6,0.4]","[500,400,200]"',
      '2010-03,1,[1],[100]',
    ]);
  });

  it('counts a churn once, in the period where the silence crosses churnAfterDays', async () => {
    await recordAll([
      buy('c-gone', '2011-12-20'),
      buy('c-gone', '2012-01-10'),
      ...['2011-12-20', '2012-01-25', '2012-02-20', '2012-03-15'].map((d) => buy('c-stays', d)),
    ]);
    await harness.caughtUp();
    const kpis = (
      await get(
        '/v1/analytics/kpis?period=month&from=2012-01-01&to=2012-04-30&asOf=2012-05-01&churnAfterDays=30',
      ).expect(200)
    ).body;
    expect(
      kpis.periods.map((p: Record<string, unknown>) => [p.period, p.customersAtStart, p.churnedCustomers, p.churnRate]),
    ).toEqual([
      ['2012-01', 2, 0, 0],
      ['2012-02', 2, 1, 0.5],
      ['2012-03', 1, 0, 0],
      ['2012-04', 1, 1, 1],
    ]);
  });

  it('computes margin net of a return and says which share of revenue had no cost', async () => {
    const purchase = buy('m', '2014-01-10', [
      { sku: 'SKU-X', category: 'c', quantity: 3, unitPrice: 50, unitCost: 30 },
      { sku: 'SKU-Y', category: 'c', quantity: 1, unitPrice: 50 },
    ]);
    await recordAll([
      purchase,
      touch('m', 'store', 'return', '2014-01-20', {
        orderId: (purchase.data as { orderId: string }).orderId,
        lines: [{ sku: 'SKU-X', quantity: 1 }],
        reason: 'too small',
      }),
    ]);
    await harness.caughtUp();
    const kpis = (
      await get(
        '/v1/analytics/kpis?period=month&from=2014-01-01&to=2014-01-31&asOf=2014-02-01&churnAfterDays=30',
      ).expect(200)
    ).body;
    // 200 bought (150 costed at 90), one SKU-X back (50, cost 30): revenue 150, margin 60 − 20, uncosted 50 of 150
    expect(kpis.periods[0]).toMatchObject({
      revenue: 150,
      margin: 40,
      marginPerCustomer: 40,
      uncostedRevenueShare: 0.3333,
      activeCustomers: 1,
    });
    // one period of 40 per active customer is 480 a year; the lifetime so far (censored at 22 days) is ~0.06 years
    expect(kpis.yearlyMarginPerActiveCustomer).toBe(480);
    expect(kpis.lifetimeValue).toBeGreaterThan(0);
  });

  it('records marketing spend once per spendId, refuses bad fields, and divides it by new customers per channel', async () => {
    await recordAll([
      touch('a-w1', 'web', 'page-view', '2016-03-01', { url: '/', sessionId: 's-1' }),
      buy('a-w1', '2016-03-02'),
      touch('a-w2', 'web', 'page-view', '2016-03-01', { url: '/', sessionId: 's-2' }),
      buy('a-w2', '2016-03-03'),
      touch('a-s1', 'social', 'inquiry', '2016-03-01', { subject: 'hi', text: 'seen your ad' }),
      buy('a-s1', '2016-03-04'),
      buy('a-old', '2016-02-04'),
      buy('a-old', '2016-03-04'),
    ]);
    const web = {
      spendId: id('spend-web'),
      channel: 'web',
      campaignId: 'spring',
      amount: 300,
      currency: 'EUR',
      periodStart: '2016-03-01',
      periodEnd: '2016-03-31',
    };
    const first = (await post('/v1/marketing-spend', web).expect(202)).body;
    expect(first).toMatchObject({ spendId: web.spendId, duplicate: false, eventId: expect.any(String) });
    const again = (await post('/v1/marketing-spend', web).expect(202)).body;
    expect(again).toMatchObject({ eventId: first.eventId, duplicate: true });
    await post('/v1/marketing-spend', {
      spendId: id('spend-social'),
      channel: 'social',
      amount: 610,
      currency: 'EUR',
      periodStart: '2016-03-01',
      periodEnd: '2016-04-30',
    }).expect(202);
    for (const [body, field] of [
      [{ ...web, spendId: 'has space' }, 'spendId'],
      [{ ...web, channel: 'tv' }, 'channel'],
      [{ ...web, amount: -1 }, 'amount'],
      [{ ...web, currency: 'euro' }, 'currency'],
      [{ ...web, periodStart: '2016-02-30' }, 'periodStart'],
      [{ ...web, periodEnd: '2016-02-01' }, 'periodEnd'],
      [{ ...web, extra: 1 }, 'extra'],
    ] as const) {
      const bad = await post('/v1/marketing-spend', body).expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
    const stored = await harness.db.query(
      `SELECT count(*)::int AS n FROM c360_events WHERE stream_id LIKE 'marketing-spend-%'`,
    );
    expect(stored.rows[0].n).toBe(2);
    await harness.caughtUp();
    const kpis = (
      await get('/v1/analytics/kpis?period=month&from=2016-03-01&to=2016-03-31&churnAfterDays=30').expect(200)
    ).body;
    // social's 610 spread over March and April (61 days): 310 falls in March
    expect(kpis.periods[0]).toMatchObject({ newCustomers: 3, marketingSpend: 610, acquisitionCost: 203.33 });
    expect(kpis.periods[0].acquisitionCostByChannel).toEqual([
      { channel: 'social', marketingSpend: 310, newCustomers: 1, acquisitionCost: 310 },
      { channel: 'web', marketingSpend: 300, newCustomers: 2, acquisitionCost: 150 },
    ]);
  });

  it('links service to churn: a complaint left unresolved before a churn is a bad last experience', async () => {
    const complaint = (customer: string, caseId: string, day: string) =>
      touch(customer, 'call-center', 'complaint-opened', day, { caseId, category: 'x', severity: 'high', text: 't' });
    const resolved = (customer: string, caseId: string, day: string) =>
      touch(customer, 'call-center', 'complaint-resolved', day, { caseId, resolution: 'refund' });
    await recordAll([
      buy('s-quiet', '2018-01-10'),
      ...['2018-01-10', '2018-03-10'].map((d) => buy('s-fast', d)),
      ...['2018-01-10', '2018-03-10'].map((d) => buy('s-slow', d)),
      buy('s-angry', '2018-01-10'),
      buy('s-unhappy', '2018-01-10'),
      complaint('s-fast', 'case-1', '2018-02-01'),
      resolved('s-fast', 'case-1', '2018-02-03'),
      // resolved first in the log, opened after: the case is the same
      resolved('s-slow', 'case-2', '2018-02-21'),
      complaint('s-slow', 'case-2', '2018-02-01'),
      complaint('s-angry', 'case-3', '2018-01-15'),
      touch('s-unhappy', 'web', 'survey-answered', '2018-01-12', { surveyId: 'nps', nps: 5 }),
    ]);
    await harness.caughtUp();
    const impact = (
      await get('/v1/analytics/service-impact?from=2018-01-01&to=2018-03-31&asOf=2018-06-01&churnAfterDays=60').expect(
        200,
      )
    ).body;
    expect(impact.groups).toEqual([
      { group: 'no-complaint', customers: 2, churned: 2, churnRate: 1, averageSpend: 100 },
      { group: 'resolved-within-7-days', customers: 1, churned: 0, churnRate: 0, averageSpend: 200 },
      { group: 'resolved-later', customers: 1, churned: 0, churnRate: 0, averageSpend: 200 },
      { group: 'unresolved', customers: 1, churned: 1, churnRate: 1, averageSpend: 100 },
    ]);
    expect(impact).toMatchObject({
      churnedCustomers: 3,
      churnedAfterBadExperience: 2,
      badLastExperienceShare: 0.6667,
      medianResolutionDays: 11,
    });
    // as of a day before the resolution of case-2, it is still open: slow counts as unresolved
    const before = (
      await get('/v1/analytics/service-impact?from=2018-01-01&to=2018-02-10&asOf=2018-02-10&churnAfterDays=60').expect(
        200,
      )
    ).body;
    expect(before.groups.find((g: { group: string }) => g.group === 'unresolved').customers).toBe(2);
  });

  it('answers with an earlier asOf exactly as the live figures did then, whatever was recorded since', async () => {
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    await recordAll([buy('now-1', daysAgo(40)), buy('now-1', daysAgo(10)), buy('now-2', daysAgo(20))]);
    await harness.caughtUp();
    const paths = [
      '/v1/analytics/kpis?period=month&churnAfterDays=30',
      '/v1/analytics/cohorts?period=month',
      '/v1/analytics/survival?by=channel&churnAfterDays=30',
      '/v1/analytics/service-impact?churnAfterDays=30',
    ];
    const live = await Promise.all(paths.map(async (p) => (await get(p).expect(200)).body));
    await recordAll([buy('now-1', new Date().toISOString()), buy('now-3', new Date().toISOString())]);
    await harness.caughtUp();
    const later = (await get(paths[0]!).expect(200)).body;
    expect(later.periods.at(-1).activeCustomers).toBe(live[0].periods.at(-1).activeCustomers + 1);
    for (const [i, path] of paths.entries()) {
      const asOf = live[i].asOf as string;
      expect((await get(`${path}&asOf=${asOf}`).expect(200)).body).toEqual(live[i]);
    }
  });

  it('refuses bad parameters with the field and the reason', async () => {
    for (const [path, field, reason] of [
      ['/v1/analytics/kpis?period=week', 'period', /month, quarter, year/],
      ['/v1/analytics/kpis?from=2024-02-01&to=2024-01-01', 'from', /after to/],
      ['/v1/analytics/kpis?churnAfterDays=-1', 'churnAfterDays', /whole number of days/],
      ['/v1/analytics/kpis?asOf=yesterday', 'asOf', /date/],
      ['/v1/analytics/cohorts?period=year', 'period', /month, quarter/],
      ['/v1/analytics/survival?by=age', 'by', /none, tier, channel/],
      ['/v1/analytics/survival?limit=0', 'limit', /limit/],
      ['/v1/analytics/service-impact?from=2024-02-01&to=2024-01-01', 'from', /after to/],
    ] as const) {
      const bad = await get(path).expect(400);
      expect(bad.body.errors[0].field).toBe(field);
      expect(bad.body.errors[0].reason).toMatch(reason);
    }
  });

  it('answers CSV on request and lists the endpoints in OpenAPI', async () => {
    const csv = await get('/v1/analytics/kpis?period=year&from=2010-01-01&to=2012-12-31&asOf=2013-01-01')
      .set('Accept', 'text/csv')
      .expect(200);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe(
      'period,from,to,activeCustomers,newCustomers,retainedCustomers,retentionRate,customersAtStart,churnedCustomers,' +
        'churnRate,revenue,margin,marginPerCustomer,uncostedRevenueShare,marketingSpend,acquisitionCost,acquisitionCostByChannel',
    );
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['2010', '2011', '2012']);
    const survival = await get('/v1/analytics/survival?by=none&asOf=2005-01-01T12:00:00Z')
      .set('Accept', 'text/csv')
      .expect(200);
    expect(survival.text.split('\n')[0]).toBe('group,day,survival,atRisk,churned');
    const openapi = (await http().get('/docs/openapi.json').expect(200)).body;
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/v1/analytics/kpis',
        '/v1/analytics/cohorts',
        '/v1/analytics/survival',
        '/v1/analytics/service-impact',
        '/v1/marketing-spend',
      ]),
    );
  });

  it('rebuilt from the first event, the KPI tables and every answer are the same as live', async () => {
    await harness.caughtUp();
    const now = new Date().toISOString();
    // churnAfterDays from 30 days on read the silences, below it every history
    const questions = [
      '/v1/analytics/kpis?period=quarter&from=2002-01-01&to=2018-12-31&asOf=2019-01-01&churnAfterDays=90',
      '/v1/analytics/kpis?period=year&from=2002-01-01&to=2018-12-31&asOf=2019-01-01&churnAfterDays=20',
      '/v1/analytics/kpis?period=month&from=2010-01-01&to=2012-12-31&asOf=2013-01-01&churnAfterDays=45',
      `/v1/analytics/survival?by=channel&asOf=${now}&churnAfterDays=180`,
      '/v1/analytics/survival?by=none&asOf=2005-01-01T12:00:00Z&churnAfterDays=730',
      `/v1/analytics/kpis?period=month&from=2016-03-01&to=2016-03-31&churnAfterDays=30&asOf=${now}`,
      '/v1/analytics/cohorts?period=quarter&from=2002-01-01&to=2018-12-31&asOf=2019-01-01',
      `/v1/analytics/survival?by=channel&asOf=${now}`,
      '/v1/analytics/service-impact?from=2018-01-01&to=2018-03-31&asOf=2018-06-01&churnAfterDays=60',
    ];
    // a total a batch took back to zero stays as a row live; a rebuild never writes it
    const nonZero: Record<string, string> = {
      c360_kpi_months: 'customers <> 0 OR revenue <> 0 OR costed_revenue <> 0 OR cost <> 0',
      c360_kpi_span_months: 'spans <> 0',
      c360_kpi_comeback_months: 'spans <> 0',
      c360_kpi_cohort_months: 'customers <> 0 OR revenue <> 0',
      c360_kpi_silence_days: 'silences <> 0',
    };
    const primaryKeyOf = async (table: string) =>
      (
        await harness.db.query(
          `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
          [table],
        )
      ).rows.map((r) => r.attname as string);
    const tables = new KpisProjection().tables;
    // one query at a time on the harness's single client
    const keys: string[][] = [];
    for (const table of tables) keys.push(await primaryKeyOf(table));
    expect(keys.every((key) => key.length > 0)).toBe(true);
    const snapshot = async () => ({
      answers: await Promise.all(questions.map(async (q) => (await get(q).expect(200)).body)),
      tables: await (async () => {
        const rows: Record<string, unknown[]> = {};
        for (const [i, t] of tables.entries()) {
          const sql = `SELECT * FROM ${t} WHERE ${nonZero[t] ?? 'TRUE'} ORDER BY ${keys[i]!.join(', ')}`;
          rows[t] = (await harness.db.query(sql)).rows;
        }
        return rows;
      })(),
    });
    const live = await snapshot();
    expect(live.tables.c360_kpi_purchases.length).toBeGreaterThan(30);

    await harness.replayFromFirstEvent();
    await harness.caughtUp();
    expect(await snapshot()).toEqual(live);
  });
});

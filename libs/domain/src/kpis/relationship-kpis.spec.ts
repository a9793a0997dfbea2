import { DAY_MS } from '../customer-profile.js';
import {
  cohortsOf,
  relationshipKpis,
  serviceImpact,
  survivalCurves,
  type CustomerDay,
  type CustomerHistory,
  type ServiceExperience,
} from './relationship-kpis.js';

const at = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T12:00:00Z` : iso);

/** A purchase (or a return: `orders: 0` and negative amounts) on a day, at noon UTC unless given a time. */
interface Buy {
  on: string;
  revenue?: number;
  costedRevenue?: number;
  cost?: number;
  orders?: number;
}

function customer(customerId: string, buys: Buy[], firstChannel: string | null = 'store'): CustomerHistory {
  const days: CustomerDay[] = buys.map((b) => {
    const instant = at(b.on);
    const orders = b.orders ?? 1;
    const revenue = b.revenue ?? 100;
    return {
      day: Math.floor(instant / DAY_MS) * DAY_MS,
      firstPurchaseAt: orders > 0 ? instant : null,
      lastPurchaseAt: orders > 0 ? instant : null,
      orders,
      revenue,
      costedRevenue: b.costedRevenue ?? 0,
      cost: b.cost ?? 0,
    };
  });
  return { customerId, days: days.sort((a, b) => a.day - b.day), firstChannel };
}

const window = (from: string, to: string, asOf: string, churnAfterDays = 365, period = 'month' as const) => ({
  period,
  from: at(from),
  to: at(to),
  asOf: at(asOf),
  churnAfterDays,
});

describe('relationship KPIs over planted histories', () => {
  it('counts active, new and retained customers with a retention rate of known shares', () => {
    // January: a, b, c, d, e active (all new). February: a, b, c (3/5 retained). March: a, c, f (2 of Feb's 3).
    const histories = [
      customer('a', [{ on: '2024-01-05' }, { on: '2024-02-05' }, { on: '2024-03-05' }]),
      customer('b', [{ on: '2024-01-06' }, { on: '2024-02-06' }]),
      customer('c', [{ on: '2024-01-07' }, { on: '2024-02-07' }, { on: '2024-02-17' }, { on: '2024-03-07' }]),
      customer('d', [{ on: '2024-01-08' }]),
      customer('e', [{ on: '2024-01-09' }]),
      customer('f', [{ on: '2024-03-09' }]),
    ];
    const kpis = relationshipKpis(histories, [], window('2024-01-01', '2024-03-31', '2024-04-01'));
    expect(
      kpis.periods.map((p) => [p.period, p.activeCustomers, p.newCustomers, p.retainedCustomers, p.retentionRate]),
    ).toEqual([
      ['2024-01', 5, 5, 0, null],
      ['2024-02', 3, 0, 3, 0.6],
      ['2024-03', 3, 1, 2, 0.6667],
    ]);
    const cohorts = cohortsOf(histories, window('2024-01-01', '2024-03-31', '2024-04-01'));
    expect(cohorts).toEqual([
      { cohort: '2024-01', size: 5, retention: [1, 0.6, 0.4], revenue: [500, 400, 200] },
      { cohort: '2024-03', size: 1, retention: [1], revenue: [100] },
    ]);
  });

  it('counts a churn once, in the period where the silence crosses the threshold', () => {
    // last purchase 2024-01-10 noon; with 30 days, the silence crosses 30 days on 2024-02-09 noon: February.
    const histories = [
      customer('gone', [{ on: '2023-12-20' }, { on: '2024-01-10' }]),
      customer('stays', [{ on: '2023-12-20' }, { on: '2024-01-25' }, { on: '2024-02-20' }, { on: '2024-03-15' }]),
    ];
    const kpis = relationshipKpis(histories, [], window('2024-01-01', '2024-04-30', '2024-05-01', 30));
    expect(kpis.periods.map((p) => [p.period, p.customersAtStart, p.churnedCustomers, p.churnRate])).toEqual([
      ['2024-01', 2, 0, 0],
      ['2024-02', 2, 1, 0.5],
      ['2024-03', 1, 0, 0],
      // stays: last purchase March 15th, silence crosses 30 days on April 14th
      ['2024-04', 1, 1, 1],
    ]);
    // asked as of April 10th, April's crossing has not happened yet
    const earlier = relationshipKpis(histories, [], window('2024-01-01', '2024-04-30', '2024-04-10', 30));
    expect(earlier.periods.map((p) => p.churnedCustomers)).toEqual([0, 1, 0, 0]);
  });

  it('estimates lifetime with Kaplan–Meier, censoring the living, unlike the mean of the churned', () => {
    const asOf = '2025-01-01';
    const histories = [
      // churned (no purchase in the last 365 days): lifetimes 0, 10 and 100 days
      customer('x', [{ on: '2022-01-01' }]),
      customer('y', [{ on: '2022-01-01' }, { on: '2022-01-11' }]),
      customer('z', [{ on: '2022-01-01' }, { on: '2022-04-11' }]),
      // alive: censored at asOf after 731 and 366 days
      customer('p', [{ on: '2023-01-01' }, { on: '2024-12-01' }]),
      customer('q', [{ on: '2024-01-01' }, { on: '2024-06-01' }]),
    ];
    const { averageLifetimeDays } = relationshipKpis(histories, [], window('2024-01-01', '2024-12-31', asOf));
    // S(0) = 4/5, S(10) = 3/5, S(100) = 2/5 ≤ 1/2 → median 100 days; the churned alone average (0+10+100)/3
    expect(averageLifetimeDays).toMatchObject({ kaplanMeierMedian: 100, observedMean: 36.67, churned: 3 });
    // area: 0.8 × 10 + 0.6 × 90 + 0.4 × (731 − 100) = 8 + 54 + 252.4
    expect(averageLifetimeDays.kaplanMeierMean).toBeCloseTo(314.4, 5);
  });

  it('computes margin net of a return, says which share had no cost, and the lifetime value from it', () => {
    // bought 200 of which 150 costed at 90 (margin 60) and 50 without cost; returned a costed 50 costing 30
    const histories = [
      customer('m', [
        { on: '2024-01-10', revenue: 200, costedRevenue: 150, cost: 90 },
        { on: '2024-01-20', orders: 0, revenue: -50, costedRevenue: -50, cost: -30 },
      ]),
    ];
    const [january] = relationshipKpis(histories, [], window('2024-01-01', '2024-01-31', '2024-02-01')).periods;
    expect(january).toMatchObject({ revenue: 150, margin: 40, marginPerCustomer: 40, uncostedRevenueShare: 0.3333 });
  });

  it('divides marketing spend by new customers, per channel of their first touchpoint', () => {
    const histories = [
      customer('w1', [{ on: '2024-03-02' }], 'web'),
      customer('w2', [{ on: '2024-03-03' }], 'web'),
      customer('s1', [{ on: '2024-03-04' }], 'social'),
      customer('old', [{ on: '2024-02-04' }, { on: '2024-03-04' }], 'store'),
    ];
    const spend = [
      // web: 300 in March; social: 400 over March and April (31 + 30 days), so 200 for March's 31 days of 61
      { channel: 'web', amount: 300, start: Date.parse('2024-03-01'), end: Date.parse('2024-04-01') },
      { channel: 'social', amount: 610, start: Date.parse('2024-03-01'), end: Date.parse('2024-05-01') },
    ];
    const [march] = relationshipKpis(histories, spend, window('2024-03-01', '2024-03-31', '2024-04-01')).periods;
    expect(march).toMatchObject({ newCustomers: 3, marketingSpend: 610, acquisitionCost: 203.33 });
    expect(march!.acquisitionCostByChannel).toEqual([
      { channel: 'social', marketingSpend: 310, newCustomers: 1, acquisitionCost: 310 },
      { channel: 'web', marketingSpend: 300, newCustomers: 2, acquisitionCost: 150 },
    ]);
  });

  it('gives one survival curve per group', () => {
    const histories = [
      customer('a', [{ on: '2022-01-01' }], 'web'),
      customer('b', [{ on: '2024-06-01' }], 'store'),
      customer('c', [{ on: '2024-06-01' }], null),
    ];
    const curves = survivalCurves(histories, (h) => h.firstChannel, at('2025-01-01'), 365);
    expect(curves.map((c) => [c.group, c.customers, c.churned, c.medianDays])).toEqual([
      ['store', 1, 0, null],
      ['unknown', 1, 0, null],
      ['web', 1, 1, 0],
    ]);
  });

  it('links service to churn: a complaint left unresolved before a churn is a bad last experience', () => {
    const histories = [
      customer('quiet', [{ on: '2024-01-10' }]),
      customer('fast', [{ on: '2024-01-10' }, { on: '2024-03-10' }]),
      customer('slow', [{ on: '2024-01-10' }, { on: '2024-03-10' }]),
      customer('angry', [{ on: '2024-01-10' }]),
      customer('unhappy', [{ on: '2024-01-10' }]),
    ];
    const experiences: Record<string, ServiceExperience> = {
      fast: { complaints: [{ openedAt: at('2024-02-01'), resolvedAt: at('2024-02-03') }], nps: [] },
      slow: { complaints: [{ openedAt: at('2024-02-01'), resolvedAt: at('2024-02-21') }], nps: [] },
      angry: { complaints: [{ openedAt: at('2024-01-15'), resolvedAt: null }], nps: [] },
      unhappy: { complaints: [], nps: [{ at: at('2024-01-12'), score: 5 }] },
    };
    // with 60 days, quiet, angry and unhappy churn on 2024-03-10 noon; fast and slow buy again then
    const impact = serviceImpact(histories, (id) => experiences[id], {
      from: at('2024-01-01T00:00:00Z'),
      to: at('2024-04-01T00:00:00Z'),
      asOf: at('2024-06-01'),
      churnAfterDays: 60,
    });
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
      resolvedComplaints: 2,
    });
  });
});

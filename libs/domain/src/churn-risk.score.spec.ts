import { churnRisk, customerValue } from './churn-risk.score.js';
import {
  complaintOpened,
  complaintResolved,
  lucia,
  pageViewed,
  profileOf,
  purchaseMade,
  surveyAnswered,
} from '../test/profile-event.builder.js';
import { emptyCustomerProfile, type ProfileEvent } from './customer-profile.js';

/* ---------- builders ---------- */

const DAY = 86_400_000;
const NOW = new Date('2026-07-01T00:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();
const later = (days: number) => new Date(NOW.getTime() + days * DAY);

/** Buys every 30 days for a year; the last purchase was `lastDaysAgo` days ago. */
function aMonthlyBuyer(lastDaysAgo = 30): ProfileEvent[] {
  return Array.from({ length: 12 }, (_, i) => purchaseMade(daysAgo(lastDaysAgo + i * 30)));
}

describe('churnRisk', () => {
  it('given a monthly buyer whose last purchase was 30 days ago, when assessed, then the risk is low and says so', () => {
    const risk = churnRisk(profileOf(aMonthlyBuyer(30)), NOW);
    expect(risk).toEqual({
      score: 12,
      level: 'low',
      daysSinceLastPurchase: 30,
      usualDaysBetweenPurchases: 30,
      reasons: ['Last purchase 30 days ago, usually every 30 days.'],
      asOf: '2026-07-01T00:00:00.000Z',
    });
  });

  it('given the same buyer and 180 days with no new event, when assessed, then the risk is high with the gap against the rhythm', () => {
    const risk = churnRisk(profileOf(aMonthlyBuyer(30)), later(180));
    expect(risk.score).toBe(100);
    expect(risk.level).toBe('high');
    expect(risk.daysSinceLastPurchase).toBe(210);
    expect(risk.reasons).toEqual([
      'No purchase for 210 days, usually every 30 days.',
      'No activity in the last 90 days.',
    ]);
  });

  it('given no new event, when the clock moves forward, then the risk rises at every step', () => {
    const profile = profileOf(aMonthlyBuyer(30));
    const scores = [0, 10, 20, 30, 40, 50].map((d) => churnRisk(profile, later(d)).score);
    expect(scores).toEqual([12, 25, 40, 57, 72, 84]);
  });

  it('given a single purchase 10 days ago, when assessed, then a one-time buyer keeps a floor of 25% against a 90-day rhythm', () => {
    const profile = profileOf([purchaseMade(daysAgo(10))]);
    expect(churnRisk(profile, NOW)).toMatchObject({
      score: 25,
      level: 'low',
      daysSinceLastPurchase: 10,
      usualDaysBetweenPurchases: null,
      reasons: ['Only one purchase, 10 days ago; one-time buyers are measured against 90 days.'],
    });
    expect(churnRisk(profile, NOW, { defaultDaysBetweenPurchases: 5 }).score).toBe(50);
  });

  it('given a monthly buyer with a complaint open for 12 days, when assessed, then the complaint adds 35% and is named', () => {
    const profile = profileOf([...aMonthlyBuyer(30), complaintOpened(daysAgo(12), 'case-1')]);
    const risk = churnRisk(profile, NOW);
    expect(risk.score).toBe(Math.round(100 * (1 - (1 - 0.1192) * (1 - 0.35))));
    expect(risk.level).toBe('medium');
    expect(risk.reasons).toEqual([
      '1 open complaint for 12 days.',
      'Last purchase 30 days ago, usually every 30 days.',
    ]);
  });

  it('given two open complaints, when assessed, then both count and the oldest is named', () => {
    const profile = profileOf([
      ...aMonthlyBuyer(30),
      complaintOpened(daysAgo(40), 'case-1', 'critical'),
      complaintOpened(daysAgo(5), 'case-2'),
    ]);
    const risk = churnRisk(profile, NOW);
    expect(risk.reasons[0]).toBe('2 open complaints, the oldest for 40 days.');
    expect(risk.score).toBe(Math.round(100 * (1 - (1 - 0.1192) * (1 - 0.6) * (1 - (0.25 + 0.25 / 6)))));
  });

  it('given a complaint resolved last month to the customer dissatisfaction, when assessed, then it adds 15%', () => {
    const profile = profileOf([
      ...aMonthlyBuyer(30),
      complaintOpened(daysAgo(40), 'case-1'),
      complaintResolved(daysAgo(35), 'case-1', false),
    ]);
    const risk = churnRisk(profile, NOW);
    expect(risk.score).toBe(Math.round(100 * (1 - (1 - 0.1192) * (1 - 0.15))));
    expect(risk.reasons).toContain("1 complaint resolved to the customer's dissatisfaction in the last 180 days.");
  });

  it('given activity falling from 10 to 2 interactions, when assessed, then 40% of the drop counts and is explained', () => {
    const february = Array.from({ length: 10 }, (_, i) => pageViewed(`2026-02-${String(i + 10)}T10:00:00.000Z`));
    const may = [pageViewed('2026-05-10T10:00:00.000Z'), pageViewed('2026-05-17T10:00:00.000Z')];
    const risk = churnRisk(profileOf([...february, ...may]), NOW);
    expect(risk.score).toBe(66);
    expect(risk.level).toBe('high');
    expect(risk.reasons).toEqual([
      'No purchase yet; last contact 44 days ago.',
      'Activity fell from about 10 to 2 interactions (last 90 days against the 90 days before).',
    ]);
  });

  it('given a detractor as last NPS answer, when assessed, then it adds 15%', () => {
    const profile = profileOf([...aMonthlyBuyer(30), surveyAnswered(daysAgo(200), 10), surveyAnswered(daysAgo(20), 3)]);
    const risk = churnRisk(profile, NOW);
    expect(risk.score).toBe(Math.round(100 * (1 - (1 - 0.1192) * (1 - 0.15))));
    expect(risk.reasons).toContain('Last NPS 3 (detractor).');
  });

  it('given a customer with no history, when assessed, then the risk is a medium 50 with the reason', () => {
    expect(churnRisk(emptyCustomerProfile('c-1'), NOW)).toMatchObject({
      score: 50,
      level: 'medium',
      daysSinceLastPurchase: null,
      usualDaysBetweenPurchases: null,
      reasons: ['No purchase or contact on record.'],
    });
  });

  it('given a monthly buyer and an old one-time buyer with an open complaint, when assessed, then the old one is at high risk, the other low', () => {
    const regular = churnRisk(profileOf(aMonthlyBuyer(10)), NOW);
    const lapsed = churnRisk(
      profileOf([purchaseMade(daysAgo(400)), complaintOpened(daysAgo(380), 'case-1', 'high')]),
      NOW,
    );
    expect(regular).toMatchObject({ score: 4, level: 'low' });
    expect(lapsed).toMatchObject({ score: 100, level: 'high' });
    expect(lapsed.reasons).toEqual([
      'Only one purchase, 400 days ago; one-time buyers are measured against 90 days.',
      '1 open complaint for 380 days.',
      'No activity in the last 90 days.',
    ]);
  });

  it('given Lucía of docs/scoring.md, when assessed on 2026-07-01 and later, then the numbers are those the document shows', () => {
    const profile = profileOf(lucia());
    expect(churnRisk(profile, NOW)).toMatchObject({
      score: 12,
      level: 'low',
      daysSinceLastPurchase: 60,
      usualDaysBetweenPurchases: 60,
      reasons: ['Last purchase 60 days ago, usually every 60 days.'],
    });
    expect([30, 60, 120, 240].map((d) => churnRisk(profile, later(d)).score)).toEqual([34, 62, 93, 100]);
  });
});

describe('customerValue', () => {
  it('given Lucía of docs/scoring.md, when valued, then spend, margin on the costed share and the 12-month outlook add up', () => {
    expect(customerValue(profileOf(lucia()), NOW)).toEqual({
      currency: 'EUR',
      historicalSpend: 720,
      historicalMargin: 240,
      marginCoverage: 0.75,
      orders: 6,
      averageOrderValue: 120,
      expectedNext12Months: 598.4,
      returnedUnitShare: 0.0556,
      reasons: [
        'Spent 720.00 EUR in 6 orders since 2025-07-05 (average 120.00 EUR).',
        'Margin 240.00 EUR on the 75% of revenue with a known cost.',
        'About 6% of units returned; value net of that share.',
        'Expected 598.40 EUR in the next 12 months: 680.00 EUR a year × (1 − 0.12 churn risk).',
      ],
      asOf: '2026-07-01T00:00:00.000Z',
    });
  });

  it('given purchases with no unit cost, when valued, then the margin is unknown (null), not zero', () => {
    const value = customerValue(profileOf([purchaseMade(daysAgo(10))]), NOW);
    expect(value.historicalMargin).toBeNull();
    expect(value.marginCoverage).toBe(0);
    expect(value.historicalSpend).toBe(50);
  });

  it('given a cost on some lines only, when valued, then margin covers only those lines', () => {
    const value = customerValue(
      profileOf([
        purchaseMade(daysAgo(10), {
          lines: [
            { sku: 'A', category: 'x', quantity: 1, unitPrice: 80, unitCost: 50 },
            { sku: 'B', category: 'x', quantity: 2, unitPrice: 10 },
          ],
        }),
      ]),
      NOW,
    );
    expect(value).toMatchObject({
      historicalSpend: 100,
      historicalMargin: 30,
      marginCoverage: 0.8,
      averageOrderValue: 100,
    });
  });

  it('given spend in USD and a EUR base, when valued without a rate, then USD is left out and said so; with a rate it counts', () => {
    const profile = profileOf([purchaseMade(daysAgo(10)), purchaseMade(daysAgo(5), { currency: 'USD' })]);
    const withoutRate = customerValue(profile, NOW, 'EUR');
    expect(withoutRate).toMatchObject({ historicalSpend: 50, orders: 1 });
    expect(withoutRate.reasons).toContain('Also spent 50.00 USD, not counted: no exchange rate to EUR.');
    expect(customerValue(profile, NOW, 'EUR', { exchangeRates: { USD: 0.9 } })).toMatchObject({
      historicalSpend: 95,
      orders: 2,
    });
    expect(customerValue(profile, NOW, 'USD')).toMatchObject({ currency: 'USD', historicalSpend: 50, orders: 1 });
  });

  it('given three years of 1000 EUR a year, when valued, then the outlook is the yearly average less the churn risk', () => {
    const monthly = [{ sku: 'A', category: 'x', quantity: 1, unitPrice: 1000 / 12 }];
    const events = Array.from({ length: 36 }, (_, i) =>
      purchaseMade(daysAgo(3 * 365.25 - i * 30.4), { lines: monthly }),
    );
    const profile = profileOf(events);
    const churn = churnRisk(profile, NOW).score / 100;
    const value = customerValue(profile, NOW);
    expect(value.historicalSpend).toBe(3000);
    expect(churn).toBe(0.25);
    expect(value.expectedNext12Months).toBe(750);
  });

  it('given no new event, when valued later, then the outlook falls with the rising churn risk', () => {
    const profile = profileOf(lucia());
    expect([0, 30, 60, 240].map((d) => customerValue(profile, later(d)).expectedNext12Months)).toEqual([
      598.4, 419.69, 224.4, 0,
    ]);
  });

  it('given no purchases, when valued, then every figure is zero and the reason says so', () => {
    expect(customerValue(emptyCustomerProfile('c-1'), NOW)).toEqual({
      currency: 'EUR',
      historicalSpend: 0,
      historicalMargin: null,
      marginCoverage: 0,
      orders: 0,
      averageOrderValue: 0,
      expectedNext12Months: 0,
      returnedUnitShare: 0,
      reasons: ['No purchases in EUR.'],
      asOf: '2026-07-01T00:00:00.000Z',
    });
  });
});

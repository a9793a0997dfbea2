import {
  aProfileEvent,
  complaintOpened,
  complaintResolved,
  emailSent,
  lucia,
  pageViewed,
  profileOf,
  purchaseMade,
  purchaseReturned,
  surveyAnswered,
} from '../test/profile-event.builder.js';
import { emptyCustomerProfile, type ProfileEvent } from './customer-profile.js';
import {
  DEFAULT_LOYALTY_OPTIONS,
  loyaltyScore,
  tierOf,
  type LoyaltyScore,
  type ScoreComponentName,
} from './loyalty.score.js';

/* ---------- builders ---------- */

const DAY = 86_400_000;
const NOW = new Date('2026-07-01T00:00:00.000Z');
/** The instant `days` days before NOW. */
const daysAgo = (days: number, from: Date = NOW) => new Date(from.getTime() - days * DAY).toISOString();
const later = (days: number) => new Date(NOW.getTime() + days * DAY);

const componentOf = (score: LoyaltyScore, name: ScoreComponentName) => score.components.find((c) => c.name === name)!;

/** Buys every 30 days for two years, ~150 EUR, on three channels, opens e-mails, answers NPS 9 and 10. */
function aLoyalCustomer(): ProfileEvent[] {
  const events: ProfileEvent[] = [];
  for (let d = 720; d >= 5; d -= 30)
    events.push(purchaseMade(daysAgo(d), { amount: 150, channel: d % 60 === 0 ? 'web' : 'store' }));
  for (let d = 85; d >= 1; d -= 7) events.push(aProfileEvent('EmailOpened', { campaignId: 'c' }, daysAgo(d), 'email'));
  events.push(surveyAnswered(daysAgo(300), 9), surveyAnswered(daysAgo(40), 10));
  return events;
}

/** Bought once, 400 days ago, for 40 EUR, and has had a high-severity complaint open for 380 days. */
function anOldOneTimeBuyerWithAnOpenComplaint(): ProfileEvent[] {
  return [purchaseMade(daysAgo(400), { amount: 40 }), complaintOpened(daysAgo(380), 'case-1', 'high')];
}

describe('loyaltyScore', () => {
  it('given a customer with no history, when scored, then the score is low but valid, with every component explained', () => {
    const score = loyaltyScore(emptyCustomerProfile('c-1'), NOW);
    expect(score.score).toBe(9);
    expect(score.tier).toBe('bronze');
    expect(score.asOf).toBe('2026-07-01T00:00:00.000Z');
    expect(score.components.map((c) => [c.name, c.score, c.weight])).toEqual([
      ['recency', 0, 0.3],
      ['frequency', 0, 0.2],
      ['monetary', 0, 0.2],
      ['engagement', 0, 0.15],
      ['satisfaction', 60, 0.15],
    ]);
    expect(score.reasons).toContain('No purchases yet.');
    expect(score.reasons).toContain('No NPS answer.');
  });

  it('given a frequent, recent, high-spending, satisfied customer and an old one-time buyer with an open complaint, when scored, then the first ranks far above', () => {
    const loyal = loyaltyScore(profileOf(aLoyalCustomer()), NOW);
    const lapsed = loyaltyScore(profileOf(anOldOneTimeBuyerWithAnOpenComplaint()), NOW);
    expect(loyal.score).toBe(86);
    expect(loyal.tier).toBe('platinum');
    expect(lapsed.score).toBe(9);
    expect(lapsed.tier).toBe('bronze');
    expect(componentOf(lapsed, 'satisfaction')).toMatchObject({
      score: 20,
      explanation: 'No NPS answer; 1 open complaint for 380 days.',
    });
    for (const name of ['recency', 'frequency', 'monetary', 'engagement', 'satisfaction'] as const) {
      expect(componentOf(loyal, name).score).toBeGreaterThan(componentOf(lapsed, name).score);
    }
  });

  describe('recency', () => {
    it('given a purchase today, when the clock moves on with no new event, then recency halves every 90 days', () => {
      const profile = profileOf([purchaseMade(NOW.toISOString())]);
      expect(componentOf(loyaltyScore(profile, NOW), 'recency').score).toBe(100);
      expect(componentOf(loyaltyScore(profile, later(90)), 'recency').score).toBe(50);
      expect(componentOf(loyaltyScore(profile, later(180)), 'recency').score).toBe(25);
      expect(componentOf(loyaltyScore(profile, later(180)), 'recency').explanation).toBe(
        'Last purchase 180 days ago, last contact 180 days ago.',
      );
    });

    it('given the same profile a year later with no new event, when scored, then the total is lower too', () => {
      const profile = profileOf(aLoyalCustomer());
      const now = loyaltyScore(profile, NOW);
      const aYearLater = loyaltyScore(profile, later(365));
      expect(aYearLater.score).toBeLessThan(now.score);
      expect(aYearLater.score).toBe(47);
      expect(aYearLater.tier).toBe('silver');
    });

    it('given only an e-mail we sent recently, when scored, then it does not count as the customer being recent', () => {
      const profile = profileOf([purchaseMade(daysAgo(90)), emailSent(daysAgo(1))]);
      expect(componentOf(loyaltyScore(profile, NOW), 'recency').score).toBe(50);
    });

    it('given a shorter half-life, when scored, then recency decays faster', () => {
      const profile = profileOf([purchaseMade(daysAgo(90))]);
      expect(componentOf(loyaltyScore(profile, NOW, { recencyHalfLifeDays: 30 }), 'recency').score).toBe(12.5);
    });
  });

  describe('frequency', () => {
    it('given 12 purchases over the last year, when scored, then frequency is 100 × (1 − e^−2)', () => {
      const events = Array.from({ length: 12 }, (_, i) => purchaseMade(daysAgo(365.25 - i * 30)));
      const frequency = componentOf(loyaltyScore(profileOf(events), NOW), 'frequency');
      expect(frequency.score).toBe(86.5);
      expect(frequency.explanation).toBe('12.0 purchases a year in the first year (12 orders).');
    });

    it('given 6 purchases spread over 3 years, when scored, then it counts 2 a year', () => {
      const events = Array.from({ length: 6 }, (_, i) => purchaseMade(daysAgo(3 * 365.25 - i * 150)));
      const frequency = componentOf(loyaltyScore(profileOf(events), NOW), 'frequency');
      expect(frequency.score).toBe(28.3);
      expect(frequency.explanation).toBe('2.0 purchases a year over 3.0 years (6 orders).');
    });
  });

  describe('monetary', () => {
    it.each([
      [0, 0],
      [100, 15],
      [1_000, 52],
      [10_000, 100],
      [50_000, 100],
    ])('given %p EUR spent, when scored, then monetary is %p', (spent, expected) => {
      const events = spent === 0 ? [] : [purchaseMade(daysAgo(10), { amount: spent })];
      expect(Math.round(componentOf(loyaltyScore(profileOf(events), NOW), 'monetary').score)).toBe(expected);
    });

    it('given half the units returned, when scored, then only the kept half counts', () => {
      const events = [
        aProfileEvent(
          'PurchaseMade',
          { orderId: 'o', currency: 'EUR', lines: [{ sku: 'A', category: 'x', quantity: 2, unitPrice: 500 }] },
          daysAgo(10),
        ),
        purchaseReturned(daysAgo(5), 1),
      ];
      const monetary = componentOf(loyaltyScore(profileOf(events), NOW), 'monetary');
      expect(monetary.score).toBe(38.8);
      expect(monetary.explanation).toBe('Spent 1000.00 EUR (500.00 EUR net of 50% of units returned).');
    });

    it('given spend in USD only, when scored in EUR without a rate, then it is not counted and the explanation says so', () => {
      const profile = profileOf([purchaseMade(daysAgo(10), { amount: 1000, channel: 'web', currency: 'USD' })]);
      const monetary = componentOf(loyaltyScore(profile, NOW), 'monetary');
      expect(monetary.score).toBe(0);
      expect(monetary.explanation).toBe('No spend in EUR; 1000.00 USD not counted, no exchange rate.');
      expect(componentOf(loyaltyScore(profile, NOW, { exchangeRates: { USD: 0.1 } }), 'monetary').score).toBe(15);
    });
  });

  describe('engagement', () => {
    it('given 4 channels used this year and 6 interactions in the last 90 days, when scored, then channels give 40 and activity 60 × (1 − 1/e)', () => {
      const profile = profileOf([
        pageViewed(daysAgo(300), 'chat'),
        pageViewed(daysAgo(80), 'web'),
        pageViewed(daysAgo(70), 'mobile-app'),
        pageViewed(daysAgo(60), 'store'),
        pageViewed(daysAgo(50), 'web'),
        pageViewed(daysAgo(40), 'web'),
        pageViewed(daysAgo(30), 'web'),
      ]);
      const engagement = componentOf(loyaltyScore(profile, NOW), 'engagement');
      expect(engagement.score).toBeCloseTo(40 + 60 * (1 - Math.exp(-1)), 0);
      expect(engagement.explanation).toBe(
        '4 channels used in the last year (chat, mobile-app, store, web); about 6 interactions in the last 90 days.',
      );
    });

    it('given a channel last used over a year ago, when scored, then it no longer counts', () => {
      const engagement = componentOf(loyaltyScore(profileOf([pageViewed(daysAgo(400), 'chat')]), NOW), 'engagement');
      expect(engagement.score).toBe(0);
      expect(engagement.explanation).toBe('No channel used in the last year; no interactions in the last 90 days.');
    });
  });

  describe('satisfaction', () => {
    it('given NPS 0 then 10, when scored, then the last answer weighs 60% and the mean 40%', () => {
      const profile = profileOf([surveyAnswered(daysAgo(200), 0), surveyAnswered(daysAgo(20), 10)]);
      const satisfaction = componentOf(loyaltyScore(profile, NOW), 'satisfaction');
      expect(satisfaction.score).toBe(80);
      expect(satisfaction.explanation).toBe('Last NPS 10 (promoter), mean 5.0 over 2.');
    });

    it('given a high-severity complaint open for 10 days, when scored, then satisfaction drops by 25 + 5', () => {
      const profile = profileOf([complaintOpened(daysAgo(10), 'case-1', 'high')]);
      const satisfaction = componentOf(loyaltyScore(profile, NOW), 'satisfaction');
      expect(satisfaction.score).toBe(30);
      expect(satisfaction.explanation).toBe('No NPS answer; 1 open complaint for 10 days.');
    });

    it('given a complaint resolved in a day to satisfaction, when scored, then satisfaction rises by 2 + 5', () => {
      const profile = profileOf([
        complaintOpened(daysAgo(10), 'case-1'),
        complaintResolved(daysAgo(9), 'case-1', true),
      ]);
      const satisfaction = componentOf(loyaltyScore(profile, NOW), 'satisfaction');
      expect(satisfaction.score).toBe(67);
      expect(satisfaction.explanation).toBe('No NPS answer; 1 complaint resolved, in 1.0 days on average.');
    });

    it('given a complaint resolved after 20 days to dissatisfaction, when scored, then satisfaction falls by 8 + 5', () => {
      const profile = profileOf([
        complaintOpened(daysAgo(30), 'case-1'),
        complaintResolved(daysAgo(10), 'case-1', false),
      ]);
      const satisfaction = componentOf(loyaltyScore(profile, NOW), 'satisfaction');
      expect(satisfaction.score).toBe(47);
      expect(satisfaction.explanation).toBe(
        "No NPS answer; 1 complaint resolved, in 20.0 days on average, 1 to the customer's dissatisfaction.",
      );
    });
  });

  describe('tiers and options', () => {
    it.each([
      [0, 'bronze'],
      [39, 'bronze'],
      [40, 'silver'],
      [59, 'silver'],
      [60, 'gold'],
      [79, 'gold'],
      [80, 'platinum'],
      [100, 'platinum'],
    ])('given a score of %p, when tiered, then it is %p', (score, tier) => {
      expect(tierOf(score)).toBe(tier);
    });

    it('given weights on recency only, when scored, then the score is the recency score', () => {
      const profile = profileOf([purchaseMade(daysAgo(90))]);
      const score = loyaltyScore(profile, NOW, {
        weights: { recency: 1, frequency: 0, monetary: 0, engagement: 0, satisfaction: 0 },
      });
      expect(score.score).toBe(50);
      expect(score.tier).toBe('silver');
    });

    it('given custom tier thresholds, when scored, then they decide the tier', () => {
      const profile = profileOf(aLoyalCustomer());
      expect(loyaltyScore(profile, NOW, { tierThresholds: { silver: 90, gold: 95, platinum: 99 } }).tier).toBe(
        'bronze',
      );
      expect(DEFAULT_LOYALTY_OPTIONS.baseCurrency).toBe('EUR');
    });
  });

  describe('the worked example of docs/scoring.md', () => {
    it('given Lucía, when scored on 2026-07-01, then the numbers are those the document shows', () => {
      const score = loyaltyScore(profileOf(lucia()), NOW);
      expect(score.components.map((c) => [c.name, c.score])).toEqual([
        ['recency', 70.1],
        ['frequency', 63.2],
        ['monetary', 44.5],
        ['engagement', 73.8],
        ['satisfaction', 83],
      ]);
      expect(score.score).toBe(66);
      expect(score.tier).toBe('gold');
      expect(score.reasons).toEqual([
        'Last purchase 60 days ago, last contact 10 days ago.',
        'Last NPS 8 (passive), mean 7.0 over 2; 1 complaint resolved, in 2.0 days on average.',
        '5 channels used in the last year (call-center, email, mobile-app, store, web); about 5 interactions in the last 90 days.',
        '6.0 purchases a year in the first year (6 orders).',
        'Spent 720.00 EUR (680.00 EUR net of 6% of units returned).',
      ]);
    });

    it('given Lucía and no new event, when scored 30, 60, 120 and 240 days later, then the score falls as the document shows', () => {
      const profile = profileOf(lucia());
      expect([30, 60, 120, 240].map((d) => loyaltyScore(profile, later(d)).score)).toEqual([61, 55, 46, 40]);
    });
  });
});

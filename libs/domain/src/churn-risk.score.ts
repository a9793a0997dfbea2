import {
  customerActivityBetween,
  DAY_MS,
  daysSince,
  formatDays,
  formatMoney,
  formatShare,
  lastNpsAnswer,
  marginOf,
  openComplaints,
  returnedUnitShare,
  roundCents,
  spendIn,
  YEAR_DAYS,
  type CustomerProfileState,
} from './customer-profile.js';

/** Lowest first. */
export const CHURN_LEVELS = ['low', 'medium', 'high'] as const;
export type ChurnLevel = (typeof CHURN_LEVELS)[number];

export interface ChurnRisk {
  /** 0–100 integer: the churn probability in percent. */
  score: number;
  level: ChurnLevel;
  daysSinceLastPurchase: number | null;
  usualDaysBetweenPurchases: number | null;
  /** Sentences an agent can read, the strongest signal first. */
  reasons: string[];
  asOf: string;
}

export interface ChurnOptions {
  /** The rhythm assumed for a customer with fewer than two purchases. */
  defaultDaysBetweenPurchases: number;
  /** Lowest score of each level above low. */
  levelThresholds: { medium: number; high: number };
  /** Recent activity is this many days; it is compared with the same span before it. */
  engagementWindowDays: number;
}

export const DEFAULT_CHURN_OPTIONS: ChurnOptions = {
  defaultDaysBetweenPurchases: 90,
  levelThresholds: { medium: 30, high: 60 },
  engagementWindowDays: 90,
};

/** A one-time buyer has not shown a habit yet: their purchase-gap signal never falls below this. */
const ONE_TIME_BUYER_FLOOR = 0.25;
/** Never bought (or nothing on record): a coin toss, not a certainty either way. */
const NO_PURCHASE_FLOOR = 0.5;
const FALLING_ENGAGEMENT_WEIGHT = 0.4;
const DETRACTOR_SIGNAL = 0.15;
const UNSATISFIED_RESOLUTION_SIGNAL = 0.15;
const UNSATISFIED_LOOKBACK_DAYS = 180;

interface Signal {
  probability: number;
  reason: string;
}

/**
 * Churn probability from independent signals, combined as 1 − Π(1 − pᵢ): time since the last purchase
 * against the customer's own rhythm, open complaints, falling engagement, a detractor NPS, recent
 * resolutions the customer was unhappy with.
 */
export function churnRisk(profile: CustomerProfileState, now: Date, options: Partial<ChurnOptions> = {}): ChurnRisk {
  const o: ChurnOptions = {
    ...DEFAULT_CHURN_OPTIONS,
    ...options,
    levelThresholds: { ...DEFAULT_CHURN_OPTIONS.levelThresholds, ...options.levelThresholds },
  };
  const rhythm = purchaseRhythm(profile, now);
  const signals = [
    purchaseGapSignal(profile, now, rhythm, o),
    ...complaintSignals(profile, now),
    engagementSignal(profile, now, o),
    npsSignal(profile),
  ].filter((s): s is Signal => s !== null);
  const stay = signals.reduce((p, s) => p * (1 - s.probability), 1);
  const score = Math.round(100 * (1 - stay));
  const reasons = signals
    .filter((s) => s.reason !== '')
    .sort((a, b) => b.probability - a.probability)
    .map((s) => s.reason);
  return {
    score,
    level: score >= o.levelThresholds.high ? 'high' : score >= o.levelThresholds.medium ? 'medium' : 'low',
    daysSinceLastPurchase: rhythm.daysSinceLast === null ? null : Math.floor(rhythm.daysSinceLast),
    usualDaysBetweenPurchases: rhythm.usualDays === null ? null : Math.round(rhythm.usualDays * 10) / 10,
    reasons,
    asOf: now.toISOString(),
  };
}

interface PurchaseRhythm {
  daysSinceLast: number | null;
  /** Mean days between purchases: (last − first) / (orders − 1); null with fewer than two orders. */
  usualDays: number | null;
}

function purchaseRhythm(profile: CustomerProfileState, now: Date): PurchaseRhythm {
  const { orders, firstAt, lastAt } = profile.purchases;
  const daysSinceLast = daysSince(lastAt, now);
  if (orders < 2 || firstAt === null || lastAt === null) return { daysSinceLast, usualDays: null };
  const spanDays = (Date.parse(lastAt) - Date.parse(firstAt)) / DAY_MS;
  return { daysSinceLast, usualDays: Math.max(1, spanDays / (orders - 1)) };
}

/** Logistic in (days since last purchase ÷ usual days): 12% at one usual gap, 50% at two, 88% at three. */
function overdueProbability(days: number, rhythmDays: number): number {
  return 1 / (1 + Math.exp(-2 * (days / rhythmDays - 2)));
}

function purchaseGapSignal(profile: CustomerProfileState, now: Date, rhythm: PurchaseRhythm, o: ChurnOptions): Signal {
  if (rhythm.daysSinceLast === null) {
    const sinceContact = daysSince(profile.lastCustomerActivityAt, now);
    if (sinceContact === null) return { probability: NO_PURCHASE_FLOOR, reason: 'No purchase or contact on record.' };
    return {
      probability: Math.max(NO_PURCHASE_FLOOR, overdueProbability(sinceContact, o.defaultDaysBetweenPurchases)),
      reason: `No purchase yet; last contact ${formatDays(sinceContact)} ago.`,
    };
  }
  const since = rhythm.daysSinceLast;
  if (rhythm.usualDays === null) {
    return {
      probability: Math.max(ONE_TIME_BUYER_FLOOR, overdueProbability(since, o.defaultDaysBetweenPurchases)),
      reason: `Only one purchase, ${formatDays(since)} ago; one-time buyers are measured against ${o.defaultDaysBetweenPurchases} days.`,
    };
  }
  const usual = formatDays(Math.round(rhythm.usualDays));
  return {
    probability: overdueProbability(since, rhythm.usualDays),
    reason:
      since >= rhythm.usualDays + 1
        ? `No purchase for ${formatDays(since)}, usually every ${usual}.`
        : `Last purchase ${formatDays(since)} ago, usually every ${usual}.`,
  };
}

/**
 * Each open complaint: 25% (35% if high or critical) rising by up to 25 points over its first 30 days open.
 * Each resolution the customer was unhappy with in the last 180 days: 15%.
 */
function complaintSignals(profile: CustomerProfileState, now: Date): Signal[] {
  const signals: Signal[] = [];
  const open = openComplaints(profile);
  if (open.length > 0) {
    let stay = 1;
    for (const complaint of open) {
      const daysOpen = daysSince(complaint.openedAt, now) ?? 0;
      const severe = complaint.severity === 'high' || complaint.severity === 'critical';
      stay *= 1 - ((severe ? 0.35 : 0.25) + 0.25 * Math.min(1, daysOpen / 30));
    }
    const oldest = daysSince(open[0].openedAt, now) ?? 0;
    signals.push({
      probability: 1 - stay,
      reason:
        open.length === 1
          ? `1 open complaint for ${formatDays(oldest)}.`
          : `${open.length} open complaints, the oldest for ${formatDays(oldest)}.`,
    });
  }
  const since = now.getTime() - UNSATISFIED_LOOKBACK_DAYS * DAY_MS;
  const unhappy = Object.values(profile.complaints.cases).filter(
    (c) => c.satisfied === false && c.resolvedAt !== null && Date.parse(c.resolvedAt) >= since,
  ).length;
  if (unhappy > 0) {
    signals.push({
      probability: 1 - (1 - UNSATISFIED_RESOLUTION_SIGNAL) ** unhappy,
      reason: `${unhappy} ${unhappy === 1 ? 'complaint' : 'complaints'} resolved to the customer's dissatisfaction in the last ${UNSATISFIED_LOOKBACK_DAYS} days.`,
    });
  }
  return signals;
}

/**
 * Falling engagement: the customer's interactions in the last window against the window before it.
 * 40% × the relative drop when the earlier window had at least 2; 40% when the recent window is empty
 * though the customer was active before it.
 */
function engagementSignal(profile: CustomerProfileState, now: Date, o: ChurnOptions): Signal | null {
  const nowMs = now.getTime();
  const windowMs = o.engagementWindowDays * DAY_MS;
  const recent = customerActivityBetween(profile, nowMs - windowMs, nowMs, nowMs);
  const before = customerActivityBetween(profile, nowMs - 2 * windowMs, nowMs - windowMs, nowMs);
  const window = `${o.engagementWindowDays} days`;
  if (before >= 2) {
    const drop = Math.max(0, (before - recent) / before);
    if (drop === 0) return null;
    return {
      probability: FALLING_ENGAGEMENT_WEIGHT * drop,
      reason:
        drop >= 0.25
          ? `Activity fell from about ${Math.round(before)} to ${Math.round(recent)} interactions (last ${window} against the ${window} before).`
          : '',
    };
  }
  const activeBefore =
    profile.lastCustomerActivityAt !== null && Date.parse(profile.lastCustomerActivityAt) < nowMs - windowMs;
  if (recent < 0.5 && activeBefore) {
    return { probability: FALLING_ENGAGEMENT_WEIGHT, reason: `No activity in the last ${window}.` };
  }
  return null;
}

function npsSignal(profile: CustomerProfileState): Signal | null {
  const last = lastNpsAnswer(profile);
  if (!last || last.score > 6) return null;
  return { probability: DETRACTOR_SIGNAL, reason: `Last NPS ${last.score} (detractor).` };
}

export interface CustomerValue {
  currency: string;
  historicalSpend: number;
  /** Revenue minus cost over the lines that carried a cost; null when no line did. */
  historicalMargin: number | null;
  /** Share of revenue with a known cost, 0–1. */
  marginCoverage: number;
  orders: number;
  averageOrderValue: number;
  /** Average yearly spend net of estimated returns × (1 − churn probability). */
  expectedNext12Months: number;
  /** Share of purchased units returned; the returned value is estimated from it. */
  returnedUnitShare?: number;
  reasons?: string[];
  asOf: string;
}

export interface CustomerValueOptions {
  /** Value of one unit of a currency in the base currency; spend without a rate is left out and said so. */
  exchangeRates: Record<string, number>;
  /** The churn risk already computed for this profile at `now`, so it is not computed twice. */
  churn: ChurnRisk;
}

/** Historical spend and margin in one currency, and a simple forward value for the next 12 months. */
export function customerValue(
  profile: CustomerProfileState,
  now: Date,
  baseCurrency = 'EUR',
  options: Partial<CustomerValueOptions> = {},
): CustomerValue {
  const spend = spendIn(profile, baseCurrency, options.exchangeRates ?? {});
  const returned = returnedUnitShare(profile);
  const { margin, marginCoverage: coverage } = marginOf(spend);
  const years = Math.max(1, (daysSince(profile.purchases.firstAt, now) ?? 0) / YEAR_DAYS);
  const yearlyNet = (spend.revenue * (1 - returned)) / years;
  const churn = (options.churn ?? churnRisk(profile, now)).score / 100;
  const expected = yearlyNet * (1 - churn);
  const money = (amount: number) => formatMoney(amount, baseCurrency);

  const reasons: string[] = [];
  if (spend.orders === 0) {
    reasons.push(`No purchases in ${baseCurrency}.`);
  } else {
    const since = profile.purchases.firstAt!.slice(0, 10);
    reasons.push(
      `Spent ${money(spend.revenue)} in ${spend.orders} ${spend.orders === 1 ? 'order' : 'orders'} since ${since} (average ${money(spend.revenue / spend.orders)}).`,
    );
  }
  if (margin !== null)
    reasons.push(`Margin ${money(margin)} on the ${formatShare(coverage)} of revenue with a known cost.`);
  if (returned > 0) reasons.push(`About ${formatShare(returned)} of units returned; value net of that share.`);
  for (const [code, amount] of Object.entries(spend.unconverted)) {
    reasons.push(`Also spent ${formatMoney(amount, code)}, not counted: no exchange rate to ${baseCurrency}.`);
  }
  if (spend.orders > 0) {
    reasons.push(
      `Expected ${money(expected)} in the next 12 months: ${money(yearlyNet)} a year × (1 − ${churn.toFixed(2)} churn risk).`,
    );
  }

  return {
    currency: baseCurrency,
    historicalSpend: roundCents(spend.revenue),
    historicalMargin: margin === null ? null : roundCents(margin),
    marginCoverage: Math.round(coverage * 10_000) / 10_000,
    orders: spend.orders,
    averageOrderValue: spend.orders > 0 ? roundCents(spend.revenue / spend.orders) : 0,
    expectedNext12Months: roundCents(expected),
    returnedUnitShare: Math.round(returned * 10_000) / 10_000,
    reasons,
    asOf: now.toISOString(),
  };
}

import {
  customerActivityBetween,
  DAY_MS,
  daysSince,
  formatDays,
  formatMoney,
  lastNpsAnswer,
  openComplaints,
  resolvedComplaintsSummary,
  returnedUnitShare,
  spendIn,
  formatShare,
  YEAR_DAYS,
  type CustomerProfileState,
} from './customer-profile.js';

export type ScoreComponentName = 'recency' | 'frequency' | 'monetary' | 'engagement' | 'satisfaction';

export interface ScoreComponent {
  name: ScoreComponentName;
  /** 0–100, one decimal. */
  score: number;
  weight: number;
  explanation: string;
}

/** Lowest first. */
export const LOYALTY_TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;
export type LoyaltyTier = (typeof LOYALTY_TIERS)[number];

export interface LoyaltyScore {
  /** 0–100 integer: the weighted mean of the components. */
  score: number;
  tier: LoyaltyTier;
  components: ScoreComponent[];
  /** Human sentences, the most telling first. */
  reasons: string[];
  asOf: string;
}

export interface LoyaltyOptions {
  weights: Record<ScoreComponentName, number>;
  /** Days after which the recency of a purchase (or contact) counts half. */
  recencyHalfLifeDays: number;
  /** Lowest score of each tier above bronze. */
  tierThresholds: { silver: number; gold: number; platinum: number };
  baseCurrency: string;
  /** Value of one unit of a currency in `baseCurrency`; spend in currencies without a rate is left out. */
  exchangeRates: Record<string, number>;
  /** Monetary: spend where the log curve starts to bend, and spend that scores 100. */
  monetaryReference: number;
  monetarySaturation: number;
  /** Frequency: purchases a year that score 63 (1 − 1/e); the curve saturates above. */
  frequencyReferencePerYear: number;
  /** Engagement: the window of recent activity, and the interactions in it that score 63 of its share. */
  engagementWindowDays: number;
  engagementReferenceInteractions: number;
  /** Engagement: channels used in the last year that earn the full channel share. */
  engagementFullChannels: number;
}

export const DEFAULT_LOYALTY_OPTIONS: LoyaltyOptions = {
  weights: { recency: 0.3, frequency: 0.2, monetary: 0.2, engagement: 0.15, satisfaction: 0.15 },
  recencyHalfLifeDays: 90,
  tierThresholds: { silver: 40, gold: 60, platinum: 80 },
  baseCurrency: 'EUR',
  exchangeRates: {},
  monetaryReference: 100,
  monetarySaturation: 10_000,
  frequencyReferencePerYear: 6,
  engagementWindowDays: 90,
  engagementReferenceInteractions: 6,
  engagementFullChannels: 4,
};

/** Satisfaction when the customer never answered a survey: neutral, a little above the middle. */
const NEUTRAL_SATISFACTION = 60;

/** Loyalty 0–100 from recency, frequency, monetary, engagement and satisfaction; recency decays with `now`. */
export function loyaltyScore(
  profile: CustomerProfileState,
  now: Date,
  options: Partial<LoyaltyOptions> = {},
): LoyaltyScore {
  const o: LoyaltyOptions = {
    ...DEFAULT_LOYALTY_OPTIONS,
    ...options,
    weights: { ...DEFAULT_LOYALTY_OPTIONS.weights, ...options.weights },
    tierThresholds: { ...DEFAULT_LOYALTY_OPTIONS.tierThresholds, ...options.tierThresholds },
  };
  const components = [
    recency(profile, now, o),
    frequency(profile, now, o),
    monetary(profile, o),
    engagement(profile, now, o),
    satisfaction(profile, now, o),
  ];
  const totalWeight = components.reduce((sum, c) => sum + c.weight, 0);
  const weighted = components.reduce((sum, c) => sum + c.weight * c.score, 0);
  const score = totalWeight > 0 ? Math.round(weighted / totalWeight) : 0;
  const reasons = [...components]
    .sort((a, b) => Math.abs(b.score - 50) * b.weight - Math.abs(a.score - 50) * a.weight)
    .map((c) => c.explanation);
  return { score, tier: tierOf(score, o), components, reasons, asOf: now.toISOString() };
}

export function tierOf(
  score: number,
  options: Pick<LoyaltyOptions, 'tierThresholds'> = DEFAULT_LOYALTY_OPTIONS,
): LoyaltyTier {
  const t = options.tierThresholds;
  if (score >= t.platinum) return 'platinum';
  if (score >= t.gold) return 'gold';
  if (score >= t.silver) return 'silver';
  return 'bronze';
}

function component(name: ScoreComponentName, score: number, o: LoyaltyOptions, explanation: string): ScoreComponent {
  return { name, score: round1(clamp(score, 0, 100)), weight: o.weights[name], explanation };
}

/** 100 × (0.75 · ½^(days since purchase / half-life) + 0.25 · ½^(days since the customer's last contact / half-life)). */
function recency(profile: CustomerProfileState, now: Date, o: LoyaltyOptions): ScoreComponent {
  const sincePurchase = daysSince(profile.purchases.lastAt, now);
  const sinceContact = daysSince(profile.lastCustomerActivityAt, now);
  const decay = (days: number | null) => (days === null ? 0 : 0.5 ** (days / o.recencyHalfLifeDays));
  const score = 100 * (0.75 * decay(sincePurchase) + 0.25 * decay(sinceContact));
  const purchase = sincePurchase === null ? 'No purchase yet' : `Last purchase ${formatDays(sincePurchase)} ago`;
  const contact = sinceContact === null ? 'no contact on record' : `last contact ${formatDays(sinceContact)} ago`;
  return component('recency', score, o, `${purchase}, ${contact}.`);
}

/** 100 × (1 − e^(−purchases a year / reference)), the year counted from the first purchase, at least one. */
function frequency(profile: CustomerProfileState, now: Date, o: LoyaltyOptions): ScoreComponent {
  const { orders, firstAt } = profile.purchases;
  if (orders === 0 || firstAt === null) return component('frequency', 0, o, 'No purchases yet.');
  const years = Math.max(1, (daysSince(firstAt, now) ?? 0) / YEAR_DAYS);
  const perYear = orders / years;
  const score = 100 * (1 - Math.exp(-perYear / o.frequencyReferencePerYear));
  const span = years > 1 ? ` over ${years.toFixed(1)} years` : ' in the first year';
  return component(
    'frequency',
    score,
    o,
    `${perYear.toFixed(1)} purchases a year${span} (${orders} ${orders === 1 ? 'order' : 'orders'}).`,
  );
}

/** 100 × ln(1 + spend/reference) / ln(1 + saturation/reference), capped at 100; spend net of estimated returns. */
function monetary(profile: CustomerProfileState, o: LoyaltyOptions): ScoreComponent {
  const spend = spendIn(profile, o.baseCurrency, o.exchangeRates);
  const returned = returnedUnitShare(profile);
  const net = spend.revenue * (1 - returned);
  const score =
    (100 * Math.log(1 + Math.max(0, net) / o.monetaryReference)) /
    Math.log(1 + o.monetarySaturation / o.monetaryReference);
  let explanation =
    spend.revenue === 0 ? `No spend in ${o.baseCurrency}` : `Spent ${formatMoney(spend.revenue, o.baseCurrency)}`;
  if (returned > 0)
    explanation += ` (${formatMoney(net, o.baseCurrency)} net of ${formatShare(returned)} of units returned)`;
  const unconverted = Object.entries(spend.unconverted).map(([code, amount]) => formatMoney(amount, code));
  if (unconverted.length > 0) explanation += `; ${unconverted.join(', ')} not counted, no exchange rate`;
  return component('monetary', score, o, `${explanation}.`);
}

/**
 * Channel share (40): channels the customer used in the last year out of `engagementFullChannels`;
 * activity share (60): 1 − e^(−interactions in the window / reference).
 */
function engagement(profile: CustomerProfileState, now: Date, o: LoyaltyOptions): ScoreComponent {
  const yearAgo = now.getTime() - YEAR_DAYS * DAY_MS;
  const channels = Object.entries(profile.lastCustomerActivityByChannel)
    .filter(([, at]) => Date.parse(at) >= yearAgo)
    .map(([channel]) => channel)
    .sort();
  const recent = customerActivityBetween(profile, now.getTime() - o.engagementWindowDays * DAY_MS, now.getTime());
  const score =
    40 * Math.min(1, channels.length / o.engagementFullChannels) +
    60 * (1 - Math.exp(-recent / o.engagementReferenceInteractions));
  const used =
    channels.length === 0
      ? 'No channel used in the last year'
      : `${channels.length} ${channels.length === 1 ? 'channel' : 'channels'} used in the last year (${channels.join(', ')})`;
  const interactions = Math.round(recent);
  const activity =
    interactions === 0
      ? `no interactions in the last ${o.engagementWindowDays} days`
      : `about ${interactions} ${interactions === 1 ? 'interaction' : 'interactions'} in the last ${o.engagementWindowDays} days`;
  return component('engagement', score, o, `${used}; ${activity}.`);
}

/**
 * NPS (10 × (0.6 · last + 0.4 · mean), or a neutral 60 without answers), minus 15 per open complaint (25 if
 * high or critical) and 1 more per 2 days open (up to 15), plus resolved complaints: +2 satisfied, −8 not,
 * +5 when they were resolved in 2 days or less on average, −5 over 14 (together within −30..+10).
 */
function satisfaction(profile: CustomerProfileState, now: Date, o: LoyaltyOptions): ScoreComponent {
  const sentences: string[] = [];
  const last = lastNpsAnswer(profile);
  let score = NEUTRAL_SATISFACTION;
  if (last && profile.nps.answers > 0) {
    const mean = profile.nps.total / profile.nps.answers;
    score = 10 * (0.6 * last.score + 0.4 * mean);
    sentences.push(
      `Last NPS ${last.score} (${npsGroup(last.score)}), mean ${mean.toFixed(1)} over ${profile.nps.answers}`,
    );
  } else {
    sentences.push('No NPS answer');
  }
  const open = openComplaints(profile);
  for (const complaint of open) {
    const daysOpen = daysSince(complaint.openedAt, now) ?? 0;
    const severe = complaint.severity === 'high' || complaint.severity === 'critical';
    score -= (severe ? 25 : 15) + Math.min(15, daysOpen / 2);
  }
  if (open.length > 0) {
    const oldest = daysSince(open[0].openedAt, now) ?? 0;
    sentences.push(
      open.length === 1
        ? `1 open complaint for ${formatDays(oldest)}`
        : `${open.length} open complaints, the oldest for ${formatDays(oldest)}`,
    );
  }
  const resolved = resolvedComplaintsSummary(profile);
  if (resolved.resolved > 0) {
    let adjustment = 2 * resolved.satisfied - 8 * resolved.unsatisfied;
    if (resolved.meanResolutionDays !== null) {
      if (resolved.meanResolutionDays <= 2) adjustment += 5;
      else if (resolved.meanResolutionDays > 14) adjustment -= 5;
    }
    score += clamp(adjustment, -30, 10);
    const speed =
      resolved.meanResolutionDays === null ? '' : `, in ${resolved.meanResolutionDays.toFixed(1)} days on average`;
    const unhappy = resolved.unsatisfied > 0 ? `, ${resolved.unsatisfied} to the customer's dissatisfaction` : '';
    sentences.push(
      `${resolved.resolved} ${resolved.resolved === 1 ? 'complaint' : 'complaints'} resolved${speed}${unhappy}`,
    );
  }
  return component('satisfaction', score, o, `${sentences.join('; ')}.`);
}

function npsGroup(score: number): 'promoter' | 'passive' | 'detractor' {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

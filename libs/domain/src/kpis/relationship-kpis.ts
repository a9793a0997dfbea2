import {
  kaplanMeier,
  kaplanMeierMean,
  kaplanMeierMedian,
  type SurvivalPoint,
  type SurvivalSubject,
} from './kaplan-meier.js';
import { DAY_MS } from '../customer-profile.js';
import {
  PERIODS_PER_YEAR,
  overlapMs,
  periodEnd,
  periodLabel,
  periodOrdinal,
  periodOrdinals,
  periodStart,
  type KpiPeriod,
} from './kpi-periods.js';

/** What one customer bought (net of returns) on one UTC day; a day with only returns has no purchase instants. */
export interface CustomerDay {
  /** Start of the UTC day, ms. */
  day: number;
  firstPurchaseAt: number | null;
  lastPurchaseAt: number | null;
  orders: number;
  /** Net of the returns that day: negative on a day with returns only. */
  revenue: number;
  /** The part of `revenue` whose lines carried a unit cost. */
  costedRevenue: number;
  cost: number;
}

/** A customer as shown (merged streams together), with its days in ascending order. */
export interface CustomerHistory {
  customerId: string;
  days: CustomerDay[];
  /** Channel of the customer's first touchpoint of any type. */
  firstChannel?: string | null;
}

/** Marketing spend over the half-open span [start, end) in ms. */
export interface SpendFact {
  channel: string;
  amount: number;
  start: number;
  end: number;
}

export interface KpiWindow {
  period: KpiPeriod;
  from: number;
  to: number;
  /** The history is as it stood at this instant: facts after it were already left out. */
  asOf: number;
  churnAfterDays: number;
}

export interface ChannelAcquisition {
  channel: string;
  marketingSpend: number;
  newCustomers: number;
  acquisitionCost: number | null;
}

export interface PeriodKpis {
  period: string;
  from: string;
  to: string;
  activeCustomers: number;
  newCustomers: number;
  retainedCustomers: number;
  retentionRate: number | null;
  customersAtStart: number;
  churnedCustomers: number;
  churnRate: number | null;
  revenue: number;
  margin: number;
  marginPerCustomer: number | null;
  /** Share of revenue whose lines had no unit cost, so `margin` leaves it out. */
  uncostedRevenueShare: number | null;
  marketingSpend: number;
  acquisitionCost: number | null;
  acquisitionCostByChannel: ChannelAcquisition[];
}

export interface LifetimeSummary {
  kaplanMeierMedian: number | null;
  kaplanMeierMean: number | null;
  observedMean: number | null;
  customers: number;
  churned: number;
}

export interface RelationshipKpis {
  period: KpiPeriod;
  asOf: string;
  churnAfterDays: number;
  periods: PeriodKpis[];
  averageLifetimeDays: LifetimeSummary;
  yearlyMarginPerActiveCustomer: number | null;
  lifetimeValue: number | null;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const ratio = (part: number, whole: number, digits = 4) => (whole === 0 ? null : round(part / whole, digits));
const iso = (ms: number) => new Date(ms).toISOString();

/** The purchase instants of a customer, as spans per day, for "last purchase before t" lookups. */
interface PurchaseSpans {
  first: number[];
  last: number[];
}

function purchaseSpans(history: CustomerHistory): PurchaseSpans {
  const first: number[] = [];
  const last: number[] = [];
  for (const d of history.days) {
    if (d.orders > 0 && d.firstPurchaseAt !== null && d.lastPurchaseAt !== null) {
      first.push(d.firstPurchaseAt);
      last.push(d.lastPurchaseAt);
    }
  }
  return { first, last };
}

/** The last purchase strictly before t (days start at midnight, as periods do, so a day's span never straddles t). */
function lastPurchaseBefore(spans: PurchaseSpans, t: number): number | null {
  let lo = 0;
  let hi = spans.first.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans.first[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return null;
  return Math.min(spans.last[lo - 1]!, t - 1);
}

/** Customers alive at t: their last purchase before t is at most `churnAfterDays` old. */
function aliveAt(spans: PurchaseSpans, t: number, churnMs: number): boolean {
  const last = lastPurchaseBefore(spans, t);
  return last !== null && t - last <= churnMs;
}

/**
 * Churned in [start, end): alive at the start, and by the end (or `asOf`, when sooner) the silence since the
 * last purchase exceeds the threshold. Counted once: in later periods the customer is no longer alive at start.
 */
function churnedIn(spans: PurchaseSpans, start: number, end: number, asOf: number, churnMs: number): boolean {
  if (!aliveAt(spans, start, churnMs)) return false;
  const last = lastPurchaseBefore(spans, Math.min(end, asOf + 1))!;
  return Math.min(end, asOf) - last > churnMs;
}

/** Lifetime in whole days: first to last purchase when churned, first purchase to `asOf` (censored) otherwise. */
export function lifetimeOf(
  history: CustomerHistory,
  asOf: number,
  churnAfterDays: number,
): { days: number; churned: boolean } | null {
  const spans = purchaseSpans(history);
  if (spans.first.length === 0) return null;
  const first = spans.first[0]!;
  const last = lastPurchaseBefore(spans, asOf + 1)!;
  const churned = asOf - last > churnAfterDays * DAY_MS;
  return { days: Math.floor(((churned ? last : asOf) - first) / DAY_MS), churned };
}

/** Every customer's lifetime as of `asOf` (customers without a purchase by then have none). */
export function lifetimeSubjects(
  histories: CustomerHistory[],
  asOf: number,
  churnAfterDays: number,
): SurvivalSubject[] {
  return histories
    .map((h) => lifetimeOf(h, asOf, churnAfterDays))
    .filter((s): s is NonNullable<typeof s> => s !== null);
}

/** The lifetime figures of a set of lifetimes, which may come grouped (`count` customers per entry). */
export function lifetimeSummaryOf(subjects: SurvivalSubject[]): LifetimeSummary & { points: SurvivalPoint[] } {
  const points = kaplanMeier(subjects);
  let customers = 0;
  let churned = 0;
  let churnedDays = 0;
  for (const s of subjects) {
    const count = s.count ?? 1;
    customers += count;
    if (!s.churned) continue;
    churned += count;
    churnedDays += s.days * count;
  }
  const mean = kaplanMeierMean(points);
  return {
    kaplanMeierMedian: kaplanMeierMedian(points),
    kaplanMeierMean: mean === null ? null : round(mean),
    observedMean: churned === 0 ? null : round(churnedDays / churned),
    customers,
    churned,
    points,
  };
}

/** Spend spread evenly over its days, so a period gets the share of each spend that falls in it. */
function spendIn(spend: SpendFact[], start: number, end: number): Map<string, number> {
  const byChannel = new Map<string, number>();
  for (const s of spend) {
    const share = overlapMs(s.start, s.end, start, end) / Math.max(1, s.end - s.start);
    if (share > 0) byChannel.set(s.channel, (byChannel.get(s.channel) ?? 0) + s.amount * share);
  }
  return byChannel;
}

/**
 * The additive counts behind the period figures, for the periods asked; index 0 is the period before the first
 * asked (for retention). Tallies of disjoint sets of customers add up (`addPeriodTallies`), so a caller may count
 * most customers another way and the rest with `periodTallies`.
 */
export interface PeriodTallies {
  /** Ordinal of the period at index 1. */
  firstOrdinal: number;
  active: number[];
  fresh: number[];
  retained: number[];
  atStart: number[];
  churned: number[];
  revenue: number[];
  costedRevenue: number[];
  cost: number[];
  freshByChannel: Map<string, number>[];
}

/** Ordinals of the periods a window asks for. */
export function windowOrdinals(window: Pick<KpiWindow, 'period' | 'from' | 'to' | 'asOf'>): number[] {
  return periodOrdinals(window.from, Math.min(window.to, window.asOf), window.period);
}

export function emptyPeriodTallies(window: Pick<KpiWindow, 'period' | 'from' | 'to' | 'asOf'>): PeriodTallies {
  const ordinals = windowOrdinals(window);
  const n = ordinals.length;
  const blank = () => new Array<number>(n + 1).fill(0);
  return {
    firstOrdinal: ordinals[0] ?? 0,
    active: blank(),
    fresh: blank(),
    retained: blank(),
    atStart: blank(),
    churned: blank(),
    revenue: blank(),
    costedRevenue: blank(),
    cost: blank(),
    freshByChannel: Array.from({ length: n + 1 }, () => new Map<string, number>()),
  };
}

export function addPeriodTallies(into: PeriodTallies, more: PeriodTallies): PeriodTallies {
  const keys = ['active', 'fresh', 'retained', 'atStart', 'churned', 'revenue', 'costedRevenue', 'cost'] as const;
  for (const key of keys) into[key].forEach((_, i) => (into[key][i]! += more[key][i]!));
  into.freshByChannel.forEach((byChannel, i) => {
    for (const [channel, count] of more.freshByChannel[i]!)
      byChannel.set(channel, (byChannel.get(channel) ?? 0) + count);
  });
  return into;
}

/** The period tallies of the customers' histories as of `window.asOf`. */
export function periodTallies(histories: CustomerHistory[], window: KpiWindow): PeriodTallies {
  const { period, asOf } = window;
  const churnMs = window.churnAfterDays * DAY_MS;
  const ordinals = windowOrdinals(window);
  const tallies = emptyPeriodTallies(window);
  const { firstOrdinal, active, fresh, retained, atStart, churned, revenue, costedRevenue, cost, freshByChannel } =
    tallies;
  const n = ordinals.length;
  const starts = ordinals.map((o) => periodStart(o, period));
  const ends = ordinals.map((o) => periodEnd(o, period));
  for (const history of histories) {
    const spans = purchaseSpans(history);
    let previous = -1;
    const activeIn = new Set<number>();
    for (const d of history.days) {
      const i = periodOrdinal(d.day, period) - firstOrdinal + 1;
      if (i < 0 || i > n) continue;
      revenue[i]! += d.revenue;
      costedRevenue[i]! += d.costedRevenue;
      cost[i]! += d.cost;
      if (d.orders > 0 && i !== previous) {
        activeIn.add(i);
        previous = i;
      }
    }
    for (const i of activeIn) {
      active[i]! += 1;
      if (activeIn.has(i - 1)) retained[i]! += 1;
    }
    if (spans.first.length > 0) {
      const i = periodOrdinal(spans.first[0]!, period) - firstOrdinal + 1;
      if (i >= 0 && i <= n) {
        fresh[i]! += 1;
        const channel = history.firstChannel ?? 'unknown';
        freshByChannel[i]!.set(channel, (freshByChannel[i]!.get(channel) ?? 0) + 1);
      }
      // only periods from the first purchase on can have the customer alive at their start
      for (let i = Math.max(1, periodOrdinal(spans.first[0]!, period) - firstOrdinal + 2); i <= n; i++) {
        const start = starts[i - 1]!;
        if (!aliveAt(spans, start, churnMs)) continue;
        atStart[i]! += 1;
        if (churnedIn(spans, start, ends[i - 1]!, asOf, churnMs)) churned[i]! += 1;
      }
    }
  }

  return tallies;
}

/** Every period figure of `docs/kpis.md`, from the tallies, the lifetimes and the spend as of `window.asOf`. */
export function kpisFromTallies(
  tallies: PeriodTallies,
  subjects: SurvivalSubject[],
  spend: SpendFact[],
  window: KpiWindow,
): RelationshipKpis {
  const { period, asOf } = window;
  const ordinals = windowOrdinals(window);
  const { active, fresh, retained, atStart, churned, revenue, costedRevenue, cost, freshByChannel } = tallies;
  const periods: PeriodKpis[] = ordinals.map((ordinal, k) => {
    const i = k + 1;
    const start = periodStart(ordinal, period);
    const end = periodEnd(ordinal, period);
    const spendByChannel = spendIn(spend, start, end);
    const totalSpend = [...spendByChannel.values()].reduce((a, b) => a + b, 0);
    const channels = [...new Set([...spendByChannel.keys(), ...freshByChannel[i]!.keys()])].sort();
    const margin = costedRevenue[i]! - cost[i]!;
    return {
      period: periodLabel(ordinal, period),
      from: iso(start),
      to: iso(end),
      activeCustomers: active[i]!,
      newCustomers: fresh[i]!,
      retainedCustomers: retained[i]!,
      retentionRate: ratio(retained[i]!, active[i - 1]!),
      customersAtStart: atStart[i]!,
      churnedCustomers: churned[i]!,
      churnRate: ratio(churned[i]!, atStart[i]!),
      revenue: round(revenue[i]!),
      margin: round(margin),
      marginPerCustomer: active[i] === 0 ? null : round(margin / active[i]!),
      uncostedRevenueShare: revenue[i] === 0 ? null : round((revenue[i]! - costedRevenue[i]!) / revenue[i]!, 4),
      marketingSpend: round(totalSpend),
      acquisitionCost: fresh[i] === 0 ? null : round(totalSpend / fresh[i]!),
      acquisitionCostByChannel: channels.map((channel) => {
        const spent = spendByChannel.get(channel) ?? 0;
        const newCustomers = freshByChannel[i]!.get(channel) ?? 0;
        return {
          channel,
          marketingSpend: round(spent),
          newCustomers,
          acquisitionCost: newCustomers === 0 ? null : round(spent / newCustomers),
        };
      }),
    };
  });

  const { points: _points, ...lifetime } = lifetimeSummaryOf(subjects);
  const activeTotal = active.slice(1).reduce((a, b) => a + b, 0);
  const marginTotal = periods.reduce((sum, p) => sum + p.margin, 0);
  const yearly = activeTotal === 0 ? null : (marginTotal / activeTotal) * PERIODS_PER_YEAR[period];
  return {
    period,
    asOf: iso(asOf),
    churnAfterDays: window.churnAfterDays,
    periods,
    averageLifetimeDays: lifetime,
    yearlyMarginPerActiveCustomer: yearly === null ? null : round(yearly),
    lifetimeValue:
      yearly === null || lifetime.kaplanMeierMean === null ? null : round(yearly * (lifetime.kaplanMeierMean / 365.25)),
  };
}

/** Every period figure of `docs/kpis.md`, computed from the customers' histories as of `window.asOf`. */
export function relationshipKpis(
  histories: CustomerHistory[],
  spend: SpendFact[],
  window: KpiWindow,
): RelationshipKpis {
  return kpisFromTallies(
    periodTallies(histories, window),
    lifetimeSubjects(histories, window.asOf, window.churnAfterDays),
    spend,
    window,
  );
}

export interface Cohort {
  cohort: string;
  size: number;
  retention: number[];
  revenue: number[];
}

/** A cohort's additive counts: its size, and per period k after its own how many bought and its net revenue. */
export interface CohortTally {
  size: number;
  active: number[];
  revenue: number[];
}

/** The cohorts a window asks for, by ordinal: from the period of `from` to that of `to` (or `asOf`, if sooner). */
export function cohortBounds(window: Pick<KpiWindow, 'period' | 'from' | 'to' | 'asOf'>): {
  first: number;
  last: number;
} {
  return {
    first: periodOrdinal(window.from, window.period),
    last: periodOrdinal(Math.min(window.to, window.asOf), window.period),
  };
}

/** The cohort tally of ordinal `c`, created empty in `cohorts` when missing. */
export function cohortTally(cohorts: Map<number, CohortTally>, c: number, last: number): CohortTally {
  let cohort = cohorts.get(c);
  if (!cohort) {
    cohort = {
      size: 0,
      active: new Array<number>(last - c + 1).fill(0),
      revenue: new Array<number>(last - c + 1).fill(0),
    };
    cohorts.set(c, cohort);
  }
  return cohort;
}

/** The cohort tallies of the customers' histories, added to `cohorts`. */
export function cohortTallies(
  histories: CustomerHistory[],
  window: Pick<KpiWindow, 'period' | 'from' | 'to' | 'asOf'>,
  cohorts = new Map<number, CohortTally>(),
): Map<number, CohortTally> {
  const { period } = window;
  const { first, last } = cohortBounds(window);
  for (const history of histories) {
    const spans = purchaseSpans(history);
    if (spans.first.length === 0) continue;
    const c = periodOrdinal(spans.first[0]!, period);
    if (c < first || c > last) continue;
    const cohort = cohortTally(cohorts, c, last);
    cohort.size += 1;
    const seen = new Set<number>();
    for (const d of history.days) {
      const k = periodOrdinal(d.day, period) - c;
      if (k < 0 || k > last - c) continue;
      cohort.revenue[k]! += d.revenue;
      if (d.orders > 0 && !seen.has(k)) {
        seen.add(k);
        cohort.active[k]! += 1;
      }
    }
  }
  return cohorts;
}

export function cohortsFromTallies(cohorts: Map<number, CohortTally>, period: KpiPeriod): Cohort[] {
  return [...cohorts.entries()]
    .filter(([, cohort]) => cohort.size > 0)
    .sort(([a], [b]) => a - b)
    .map(([c, cohort]) => ({
      cohort: periodLabel(c, period),
      size: cohort.size,
      retention: cohort.active.map((a) => round(a / cohort.size, 4)),
      revenue: cohort.revenue.map((r) => round(r)),
    }));
}

/**
 * Customers grouped by the period of their first purchase (cohorts from `from` to `to`); `retention[k]` is the
 * share of the cohort with a purchase k periods later, `revenue[k]` the cohort's net revenue then, up to `to`.
 */
export function cohortsOf(
  histories: CustomerHistory[],
  window: Pick<KpiWindow, 'period' | 'from' | 'to' | 'asOf'>,
): Cohort[] {
  return cohortsFromTallies(cohortTallies(histories, window), window.period);
}

export interface SurvivalGroup {
  group: string;
  customers: number;
  churned: number;
  medianDays: number | null;
  meanDays: number | null;
  points: SurvivalPoint[];
}

/** A Kaplan–Meier curve per group of lifetimes (groups without a customer are left out). */
export function survivalCurvesOf(groups: Map<string, SurvivalSubject[]>): SurvivalGroup[] {
  return [...groups.entries()]
    .map(([group, subjects]) => {
      const summary = lifetimeSummaryOf(subjects);
      return {
        group,
        customers: summary.customers,
        churned: summary.churned,
        medianDays: summary.kaplanMeierMedian,
        meanDays: summary.kaplanMeierMean,
        points: summary.points.map((p) => ({ ...p, survival: round(p.survival, 4) })),
      };
    })
    .filter((g) => g.customers > 0)
    .sort((a, b) => a.group.localeCompare(b.group));
}

/** The lifetimes of the customers' histories by group (a customer without a group goes to `unknown`). */
export function survivalSubjects(
  histories: CustomerHistory[],
  groupOf: (history: CustomerHistory) => string | null | undefined,
  asOf: number,
  churnAfterDays: number,
  groups = new Map<string, SurvivalSubject[]>(),
): Map<string, SurvivalSubject[]> {
  for (const h of histories) {
    const subject = lifetimeOf(h, asOf, churnAfterDays);
    if (subject === null) continue;
    const group = groupOf(h) ?? 'unknown';
    const list = groups.get(group) ?? [];
    list.push(subject);
    groups.set(group, list);
  }
  return groups;
}

/** A Kaplan–Meier curve per group of customers (a customer without a group goes to `unknown`). */
export function survivalCurves(
  histories: CustomerHistory[],
  groupOf: (history: CustomerHistory) => string | null | undefined,
  asOf: number,
  churnAfterDays: number,
): SurvivalGroup[] {
  return survivalCurvesOf(survivalSubjects(histories, groupOf, asOf, churnAfterDays));
}

/** A complaint case of a customer as shown. */
export interface ServiceComplaint {
  openedAt: number;
  resolvedAt: number | null;
}

export interface ServiceExperience {
  complaints: ServiceComplaint[];
  /** NPS answers, with when they were given. */
  nps: { at: number; score: number }[];
}

export const SERVICE_GROUPS = ['no-complaint', 'resolved-within-7-days', 'resolved-later', 'unresolved'] as const;
export type ServiceGroup = (typeof SERVICE_GROUPS)[number];

export interface ServiceGroupImpact {
  group: ServiceGroup;
  customers: number;
  churned: number;
  churnRate: number | null;
  averageSpend: number | null;
}

export interface ServiceImpact {
  from: string;
  to: string;
  asOf: string;
  churnAfterDays: number;
  groups: ServiceGroupImpact[];
  churnedCustomers: number;
  churnedAfterBadExperience: number;
  /** Share of the churned whose last experience was bad: compare it with the "two thirds". */
  badLastExperienceShare: number | null;
  medianResolutionDays: number | null;
  resolvedComplaints: number;
}

const FAST_RESOLUTION_MS = 7 * DAY_MS;
const LAST_EXPERIENCE_MS = 90 * DAY_MS;
const BAD_NPS = 6;

/**
 * The additive counts behind a service impact: tallies of disjoint sets of customers add up
 * (`addServiceImpactTallies`), so a caller may count most customers another way and the rest with
 * `serviceImpactTallies`. Resolution times are kept whole (ms, in no order) for the median.
 */
export interface ServiceImpactTallies {
  groups: Map<ServiceGroup, { customers: number; churned: number; spend: number }>;
  churned: number;
  bad: number;
  resolutionMs: number[];
}

export function emptyServiceImpactTallies(): ServiceImpactTallies {
  return {
    groups: new Map(SERVICE_GROUPS.map((g) => [g, { customers: 0, churned: 0, spend: 0 }])),
    churned: 0,
    bad: 0,
    resolutionMs: [],
  };
}

export function addServiceImpactTallies(into: ServiceImpactTallies, more: ServiceImpactTallies): ServiceImpactTallies {
  for (const [group, g] of more.groups) {
    const known = into.groups.get(group)!;
    known.customers += g.customers;
    known.churned += g.churned;
    known.spend += g.spend;
  }
  into.churned += more.churned;
  into.bad += more.bad;
  into.resolutionMs.push(...more.resolutionMs);
  return into;
}

/** The worst fate of a complaint case as of `asOf` (a resolution after it is none yet, as `resolvedAt` null). */
export function complaintFate(c: ServiceComplaint): ServiceGroup {
  return c.resolvedAt === null
    ? 'unresolved'
    : c.resolvedAt - c.openedAt <= FAST_RESOLUTION_MS
      ? 'resolved-within-7-days'
      : 'resolved-later';
}

/**
 * Churn and spend in [from, to) of the customers who were customers then (alive at `from` or new in the window),
 * grouped by the worst fate of the complaints they opened in the window; and how many of those who churned in
 * it had a bad last experience: a complaint still unresolved when they churned, or an NPS ≤ 6 from 90 days
 * before their last purchase up to their churn.
 */
export function serviceImpactTallies(
  histories: CustomerHistory[],
  experienceOf: (customerId: string) => ServiceExperience | undefined,
  window: { from: number; to: number; asOf: number; churnAfterDays: number },
  tallies = emptyServiceImpactTallies(),
): ServiceImpactTallies {
  const churnMs = window.churnAfterDays * DAY_MS;
  // facts are at or before asOf, so "before end" also reads "at or before asOf"
  const end = Math.min(window.to, window.asOf + 1);
  const evaluatedAt = Math.min(window.to, window.asOf);
  const rank = (g: ServiceGroup) => SERVICE_GROUPS.indexOf(g);
  for (const history of histories) {
    const spans = purchaseSpans(history);
    if (spans.first.length === 0 || spans.first[0]! >= end) continue;
    const isNew = spans.first[0]! >= window.from;
    if (!isNew && !aliveAt(spans, window.from, churnMs)) continue;
    const last = lastPurchaseBefore(spans, end)!;
    const churned = evaluatedAt - last > churnMs;
    const experience = experienceOf(history.customerId) ?? { complaints: [], nps: [] };
    const inWindow = experience.complaints.filter((c) => c.openedAt >= window.from && c.openedAt < end);
    let group: ServiceGroup = 'no-complaint';
    for (const c of inWindow) {
      const fate = complaintFate(c);
      if (rank(fate) > rank(group)) group = fate;
      if (c.resolvedAt !== null) tallies.resolutionMs.push(c.resolvedAt - c.openedAt);
    }
    const figures = tallies.groups.get(group)!;
    figures.customers += 1;
    figures.spend += history.days
      .filter((d) => d.day >= window.from && d.day < end)
      .reduce((sum, d) => sum + d.revenue, 0);
    if (!churned) continue;
    figures.churned += 1;
    tallies.churned += 1;
    const churnAt = last + churnMs;
    const unresolvedAtChurn = experience.complaints.some(
      (c) => c.openedAt <= churnAt && (c.resolvedAt === null || c.resolvedAt > churnAt),
    );
    const badNps = experience.nps.some(
      (a) => a.score <= BAD_NPS && a.at >= last - LAST_EXPERIENCE_MS && a.at <= churnAt,
    );
    if (unresolvedAtChurn || badNps) tallies.bad += 1;
  }
  return tallies;
}

/**
 * The median of the resolution times in days, from the one or two middle ones of the sorted list (in ms) of
 * `count` times: what a caller that sorts in SQL passes.
 */
export function medianResolutionDaysOf(middle: number[], count: number): number | null {
  if (count === 0) return null;
  const days = middle.map((ms) => ms / DAY_MS);
  const resolved = count % 2 ? days[0]! : (days[0]! + days[1]!) / 2;
  return round(resolved, 2);
}

/** Which 0-based positions of a sorted list of `count` values its median reads. */
export function medianPositions(count: number): number[] {
  const mid = count >> 1;
  return count % 2 ? [mid] : [mid - 1, mid];
}

export function serviceImpactFromTallies(
  tallies: ServiceImpactTallies,
  window: { from: number; to: number; asOf: number; churnAfterDays: number },
  median: { days: number | null; count: number } = medianOf(tallies.resolutionMs),
): ServiceImpact {
  return {
    from: iso(window.from),
    to: iso(window.to),
    asOf: iso(window.asOf),
    churnAfterDays: window.churnAfterDays,
    groups: SERVICE_GROUPS.map((group) => {
      const g = tallies.groups.get(group)!;
      return {
        group,
        customers: g.customers,
        churned: g.churned,
        churnRate: ratio(g.churned, g.customers),
        averageSpend: g.customers === 0 ? null : round(g.spend / g.customers),
      };
    }),
    churnedCustomers: tallies.churned,
    churnedAfterBadExperience: tallies.bad,
    badLastExperienceShare: ratio(tallies.bad, tallies.churned),
    medianResolutionDays: median.days,
    resolvedComplaints: median.count,
  };
}

function medianOf(resolutionMs: number[]): { days: number | null; count: number } {
  const sorted = [...resolutionMs].sort((a, b) => a - b);
  return {
    days: medianResolutionDaysOf(
      medianPositions(sorted.length).map((i) => sorted[i]!),
      sorted.length,
    ),
    count: sorted.length,
  };
}

/** The service impact of the customers' histories as of `window.asOf` (see `serviceImpactTallies`). */
export function serviceImpact(
  histories: CustomerHistory[],
  experienceOf: (customerId: string) => ServiceExperience | undefined,
  window: { from: number; to: number; asOf: number; churnAfterDays: number },
): ServiceImpact {
  return serviceImpactFromTallies(serviceImpactTallies(histories, experienceOf, window), window);
}

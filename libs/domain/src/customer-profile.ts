import { isTouchpointEventType } from './customer-events.js';
import type { Address, IdentifierKind, TouchpointDataByType, TouchpointType } from './touchpoint.js';
import { TOUCHPOINT_TYPE_OF_EVENT } from './touchpoint.js';

/** The input the fold accepts: a stored event as the event store returns it. */
export interface ProfileEvent {
  type: string;
  data: unknown;
  metadata: { occurredAt?: string; channel?: string; [k: string]: unknown };
}

/** Bumped when the JSON shape of the state changes, so stored states of an older shape are rebuilt, not misread. */
export const CUSTOMER_PROFILE_STATE_VERSION = 1;

/** What keeps one stream's state bounded for a customer of many years. */
export const CUSTOMER_PROFILE_LIMITS = {
  /** Monthly activity buckets kept: the most recent months. */
  activityMonths: 60,
  /** Identifiers kept per kind (a browser per device can mint many anonymous ids): the first linked. */
  identitiesPerKind: 50,
  /** Resolved complaint cases kept one by one; older ones only count in `complaints.archived`. */
  resolvedComplaintCases: 100,
  /** Latest NPS answers kept one by one; all of them count in the NPS totals. */
  recentNpsAnswers: 5,
} as const;

/** A value where the latest by `at` wins; equal `at`s resolve the same way everywhere (see `latestOf`). */
export interface LatestValue<T> {
  value: T;
  at: string;
}

export interface LinkedIdentity {
  kind: IdentifierKind;
  value: string;
  /** The earliest time the identifier was linked to this customer. */
  linkedAt: string;
}

/** Contact data and profile; each field is the latest given, independently of the others. */
export interface ProfileFields {
  name?: LatestValue<string>;
  birthDate?: LatestValue<string>;
  address?: LatestValue<Address>;
  interests?: LatestValue<string[]>;
}

export type ConsentPurpose = TouchpointDataByType['consent-changed']['purpose'];
export type ConsentChannel = TouchpointDataByType['consent-changed']['channel'];

export interface ConsentRecord {
  purpose: ConsentPurpose;
  channel: ConsentChannel;
  granted: boolean;
  at: string;
}

/** Money is in the currency's units, rounded to 4 decimals so sums are exact whatever the order. */
export interface CurrencyTotals {
  orders: number;
  units: number;
  revenue: number;
  /** Revenue of the lines that carried a `unitCost`: the part of revenue whose margin is known. */
  revenueWithCost: number;
  cost: number;
}

export interface PurchaseHistory {
  orders: number;
  units: number;
  firstAt: string | null;
  lastAt: string | null;
  byCurrency: Record<string, CurrencyTotals>;
}

/** Returns carry no prices, so only returns and units are counted; value is estimated from the unit share. */
export interface ReturnHistory {
  returns: number;
  units: number;
  lastAt: string | null;
}

export type ComplaintSeverity = TouchpointDataByType['complaint-opened']['severity'];

/** One complaint case, put together from its opening and resolution wherever (in whichever stream) they were. */
export interface ComplaintCase {
  /** First opening; resolution time counts from here. */
  openedAt: string | null;
  /** Latest (re)opening; the case is open while this is later than `resolvedAt`. */
  lastOpenedAt: string | null;
  resolvedAt: string | null;
  category: string | null;
  severity: ComplaintSeverity | null;
  /** From the latest resolution; null when the customer was not asked or the case is not resolved. */
  satisfied: boolean | null;
}

/** Resolved cases beyond the limit, as totals. */
export interface ArchivedComplaints {
  cases: number;
  /** Cases whose opening and resolution were both known, so their resolution time counts. */
  timedCases: number;
  resolutionMsTotal: number;
  satisfied: number;
  unsatisfied: number;
}

export interface ComplaintHistory {
  cases: Record<string, ComplaintCase>;
  archived: ArchivedComplaints;
}

export interface NpsAnswer {
  score: number;
  surveyId: string;
  at: string;
}

export interface NpsHistory {
  answers: number;
  /** Sum of all scores: the mean is `total / answers`. */
  total: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** The latest answers, newest first. */
  recent: NpsAnswer[];
}

export interface MarketingResponses {
  emailsSent: number;
  emailsOpened: number;
  emailsClicked: number;
  campaignsAccepted: number;
  campaignsDeclined: number;
  campaignsIgnored: number;
}

export interface MonthlyActivity {
  /** Every touchpoint, including e-mails we sent. */
  touchpoints: number;
  /** Touchpoints the customer made: all but e-mails sent and campaigns ignored. */
  customerActivity: number;
  purchases: number;
}

/**
 * One stream's 360 profile, stored as JSONB and combined with other streams' at query time. Plain JSON only;
 * every field is a count (adds), a min/max instant, or a latest-by-time value, so parts combine in any order.
 * Instants are UTC ISO strings (`toISOString`), which order as strings.
 */
export interface CustomerProfileState {
  customerId: string;
  stateVersion: number;
  /** Touchpoint events folded in (identity events and unknown types are not touchpoints). */
  touchpoints: number;
  /** Events that carried no readable `occurredAt` (nor `recordedAt`), left out of every figure. */
  undatedEvents: number;
  firstContactAt: string | null;
  lastContactAt: string | null;
  /** Latest touchpoint the customer made, as opposed to one we sent. */
  lastCustomerActivityAt: string | null;
  registeredAt: string | null;
  /** Sorted by `linkedAt`, then kind, then value. */
  identities: LinkedIdentity[];
  profile: ProfileFields;
  /** Keyed `purpose:channel`, e.g. `marketing:email`. */
  consents: Record<string, ConsentRecord>;
  /** Every touchpoint by `metadata.channel` (`unknown` when absent). */
  countsByChannel: Record<string, number>;
  /** Latest touchpoint the customer made on each channel. */
  lastCustomerActivityByChannel: Record<string, string>;
  countsByType: Partial<Record<TouchpointType, number>>;
  purchases: PurchaseHistory;
  returns: ReturnHistory;
  complaints: ComplaintHistory;
  nps: NpsHistory;
  marketing: MarketingResponses;
  /** Keyed `YYYY-MM` (UTC month of `occurredAt`). */
  activityByMonth: Record<string, MonthlyActivity>;
}

export function emptyCustomerProfile(customerId: string): CustomerProfileState {
  return {
    customerId,
    stateVersion: CUSTOMER_PROFILE_STATE_VERSION,
    touchpoints: 0,
    undatedEvents: 0,
    firstContactAt: null,
    lastContactAt: null,
    lastCustomerActivityAt: null,
    registeredAt: null,
    identities: [],
    profile: {},
    consents: {},
    countsByChannel: {},
    lastCustomerActivityByChannel: {},
    countsByType: {},
    purchases: { orders: 0, units: 0, firstAt: null, lastAt: null, byCurrency: {} },
    returns: { returns: 0, units: 0, lastAt: null },
    complaints: { cases: {}, archived: emptyArchive() },
    nps: { answers: 0, total: 0, promoters: 0, passives: 0, detractors: 0, recent: [] },
    marketing: {
      emailsSent: 0,
      emailsOpened: 0,
      emailsClicked: 0,
      campaignsAccepted: 0,
      campaignsDeclined: 0,
      campaignsIgnored: 0,
    },
    activityByMonth: {},
  };
}

function emptyArchive(): ArchivedComplaints {
  return { cases: 0, timedCases: 0, resolutionMsTotal: 0, satisfied: 0, unsatisfied: 0 };
}

function emptyTotals(): CurrencyTotals {
  return { orders: 0, units: 0, revenue: 0, revenueWithCost: 0, cost: 0 };
}

/**
 * Pure fold of one stream's event into that stream's profile state; unknown event types are ignored.
 * Contract: neither `state` nor `event` is mutated, and the result shares every untouched branch with `state`
 * (copy-on-write), so treat states as immutable. To fold many events, `foldCustomerProfile` copies each
 * touched branch once per batch instead of once per event.
 */
export function evolveCustomerProfile(state: CustomerProfileState, event: ProfileEvent): CustomerProfileState {
  return foldCustomerProfile(state, [event]);
}

/** Folds a batch of one stream's events; `state` is not mutated, the result is a new state. */
export function foldCustomerProfile(state: CustomerProfileState, events: Iterable<ProfileEvent>): CustomerProfileState {
  const draft = new Draft();
  const next = draft.own(state);
  for (const event of events) applyEvent(next, event, draft);
  return next;
}

/**
 * Combine the profiles of several streams (customers merged into one) into one view keyed by `customerId`.
 * Commutative and associative; `combineProfiles(id, [p])` equals `p` re-keyed.
 */
export function combineProfiles(customerId: string, parts: CustomerProfileState[]): CustomerProfileState {
  if (parts.length === 1) return { ...parts[0], customerId };
  return parts.reduce((combined, part) => combineTwo(combined, part), emptyCustomerProfile(customerId));
}

/** Latest marketing consent on any channel: true only if it was a grant; no record means no consent. */
export function hasMarketingConsent(state: CustomerProfileState): boolean {
  const latest = latestConsent(Object.values(state.consents).filter((c) => c.purpose === 'marketing'));
  return latest?.granted ?? false;
}

/** Consent for one purpose on one channel: the latest record for that channel or for `any`. */
export function hasConsent(state: CustomerProfileState, purpose: ConsentPurpose, channel: ConsentChannel): boolean {
  const records = Object.values(state.consents).filter(
    (c) => c.purpose === purpose && (c.channel === channel || c.channel === 'any'),
  );
  return latestConsent(records)?.granted ?? false;
}

export function lastNpsAnswer(state: CustomerProfileState): NpsAnswer | null {
  return state.nps.recent[0] ?? null;
}

export function isComplaintOpen(complaint: ComplaintCase): boolean {
  return (
    complaint.lastOpenedAt !== null && (complaint.resolvedAt === null || complaint.lastOpenedAt > complaint.resolvedAt)
  );
}

export interface OpenComplaint {
  caseId: string;
  openedAt: string | null;
  category: string | null;
  severity: ComplaintSeverity | null;
}

/** Open complaints, oldest first. */
export function openComplaints(state: CustomerProfileState): OpenComplaint[] {
  return Object.entries(state.complaints.cases)
    .filter(([, c]) => isComplaintOpen(c))
    .map(([caseId, c]) => ({ caseId, openedAt: c.lastOpenedAt, category: c.category, severity: c.severity }))
    .sort((a, b) => compareStrings(a.openedAt ?? '', b.openedAt ?? '') || compareStrings(a.caseId, b.caseId));
}

export interface ResolvedComplaintsSummary {
  resolved: number;
  /** Mean days from opening to resolution over the cases where both are known; null if none. */
  meanResolutionDays: number | null;
  satisfied: number;
  unsatisfied: number;
}

export function resolvedComplaintsSummary(state: CustomerProfileState): ResolvedComplaintsSummary {
  const { archived } = state.complaints;
  let resolved = archived.cases;
  let timed = archived.timedCases;
  let ms = archived.resolutionMsTotal;
  let satisfied = archived.satisfied;
  let unsatisfied = archived.unsatisfied;
  for (const c of Object.values(state.complaints.cases)) {
    if (c.resolvedAt === null || isComplaintOpen(c)) continue;
    resolved++;
    const duration = resolutionMs(c);
    if (duration !== null) {
      timed++;
      ms += duration;
    }
    if (c.satisfied === true) satisfied++;
    if (c.satisfied === false) unsatisfied++;
  }
  return { resolved, meanResolutionDays: timed > 0 ? ms / timed / DAY_MS : null, satisfied, unsatisfied };
}

/** Spend, margin and the share of revenue with a known cost, per currency. */
export function marginOf(totals: Pick<CurrencyTotals, 'revenue' | 'revenueWithCost' | 'cost'>): {
  margin: number | null;
  marginCoverage: number;
} {
  return {
    margin: totals.revenueWithCost > 0 || totals.cost > 0 ? roundMoney(totals.revenueWithCost - totals.cost) : null,
    marginCoverage: totals.revenue > 0 ? totals.revenueWithCost / totals.revenue : 0,
  };
}

/**
 * Activity the customer made in [fromMs, toMs), from the monthly buckets: each month's count is spread evenly
 * over the part of the month before `nowMs` (a month in progress has only had that long).
 */
export function customerActivityBetween(
  state: CustomerProfileState,
  fromMs: number,
  toMs: number,
  nowMs: number = toMs,
): number {
  let total = 0;
  for (const [month, bucket] of Object.entries(state.activityByMonth)) {
    const { start, end } = monthBounds(month);
    const spreadEnd = Math.min(end, nowMs);
    if (spreadEnd <= start) continue;
    const overlap = Math.min(spreadEnd, toMs) - Math.max(start, fromMs);
    if (overlap > 0) total += (bucket.customerActivity * overlap) / (spreadEnd - start);
  }
  return total;
}

export const DAY_MS = 86_400_000;
export const YEAR_DAYS = 365.25;

/** Whole and fractional days from an instant to `now`; never negative (an event later than `now` is "now"). */
export function daysSince(instant: string | null, now: Date): number | null {
  if (instant === null) return null;
  return Math.max(0, (now.getTime() - Date.parse(instant)) / DAY_MS);
}

export interface SpendInCurrency {
  currency: string;
  orders: number;
  revenue: number;
  revenueWithCost: number;
  cost: number;
  /** Currencies spent in that had no exchange rate, with their amounts, left out of the figures above. */
  unconverted: Record<string, number>;
}

/**
 * Spend expressed in one currency. `exchangeRates[c]` is the value of one unit of `c` in `currency`;
 * without a rate, a currency is left out (and listed), never silently counted at par.
 */
export function spendIn(
  state: CustomerProfileState,
  currency: string,
  exchangeRates: Record<string, number> = {},
): SpendInCurrency {
  const out: SpendInCurrency = { currency, orders: 0, revenue: 0, revenueWithCost: 0, cost: 0, unconverted: {} };
  for (const [code, totals] of Object.entries(state.purchases.byCurrency).sort(([a], [b]) => compareStrings(a, b))) {
    const rate = code === currency ? 1 : exchangeRates[code];
    if (rate === undefined || !Number.isFinite(rate)) {
      out.unconverted[code] = totals.revenue;
      continue;
    }
    out.orders += totals.orders;
    out.revenue = addMoney(out.revenue, totals.revenue * rate);
    out.revenueWithCost = addMoney(out.revenueWithCost, totals.revenueWithCost * rate);
    out.cost = addMoney(out.cost, totals.cost * rate);
  }
  return out;
}

/** Share of purchased units that came back: returns carry no prices, so this estimates the returned value too. */
export function returnedUnitShare(state: CustomerProfileState): number {
  return state.purchases.units > 0 ? Math.min(1, state.returns.units / state.purchases.units) : 0;
}

/** "1 day", "12 days": whole days, rounded down. */
export function formatDays(value: number): string {
  const whole = Math.floor(value);
  return `${whole} ${whole === 1 ? 'day' : 'days'}`;
}

export function formatMoney(amount: number, currency: string): string {
  return `${amount.toFixed(2)} ${currency}`;
}

/** A share 0–1 as a whole percentage: `0.256` → `26%`. */
export function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Money as answers show it, to the cent. */
export function roundCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

/* ---------- folding one event ---------- */

/** Tracks which objects this batch created, so each branch of the input state is copied at most once. */
class Draft {
  private readonly owned = new WeakSet<object>();

  own<T extends object>(value: T): T {
    if (this.owned.has(value)) return value;
    const copy = (Array.isArray(value) ? [...value] : { ...value }) as T;
    this.owned.add(copy);
    return copy;
  }

  fresh<T extends object>(value: T): T {
    this.owned.add(value);
    return value;
  }
}

type DataOf<T extends TouchpointType> = TouchpointDataByType[T];

/** Whether the customer made the touchpoint: not an e-mail we sent, nor a campaign the customer ignored. */
function isCustomerActivity(type: TouchpointType, data: unknown): boolean {
  if (type === 'email-sent') return false;
  if (type === 'campaign-response') return (data as DataOf<'campaign-response'>).response !== 'ignored';
  return true;
}

function applyEvent(s: CustomerProfileState, event: ProfileEvent, d: Draft): void {
  const eventType = event.type;
  const type = isTouchpointEventType(eventType) ? TOUCHPOINT_TYPE_OF_EVENT[eventType] : null;
  if (type === null && eventType !== 'IdentityLinked') return;
  const at = instantOf(event.metadata.occurredAt) ?? instantOf(event.metadata.recordedAt);
  if (at === null) {
    s.undatedEvents++;
    return;
  }
  if (type === null) {
    const data = event.data as { kind: IdentifierKind; value: string };
    s.identities = mergeIdentities(s.identities, [{ kind: data.kind, value: data.value, linkedAt: at }]);
    return;
  }
  const channel = typeof event.metadata.channel === 'string' ? event.metadata.channel : 'unknown';
  const byCustomer = isCustomerActivity(type, event.data);

  s.touchpoints++;
  s.firstContactAt = minInstant(s.firstContactAt, at);
  s.lastContactAt = maxInstant(s.lastContactAt, at);
  s.countsByChannel = d.own(s.countsByChannel);
  s.countsByChannel[channel] = (s.countsByChannel[channel] ?? 0) + 1;
  s.countsByType = d.own(s.countsByType);
  s.countsByType[type] = (s.countsByType[type] ?? 0) + 1;
  if (byCustomer) {
    s.lastCustomerActivityAt = maxInstant(s.lastCustomerActivityAt, at);
    s.lastCustomerActivityByChannel = d.own(s.lastCustomerActivityByChannel);
    s.lastCustomerActivityByChannel[channel] = maxInstant(s.lastCustomerActivityByChannel[channel] ?? null, at)!;
  }
  countActivity(s, at.slice(0, 7), type, byCustomer, d);

  switch (type) {
    case 'purchase':
      return applyPurchase(s, event.data as DataOf<'purchase'>, at, d);
    case 'return': {
      const data = event.data as DataOf<'return'>;
      const returns = (s.returns = d.own(s.returns));
      returns.returns++;
      returns.units += sum(data.lines ?? [], (l) => l.quantity);
      returns.lastAt = maxInstant(returns.lastAt, at);
      return;
    }
    case 'complaint-opened':
    case 'complaint-resolved':
      return applyComplaint(s, type, event.data, at, d);
    case 'survey-answered': {
      const data = event.data as DataOf<'survey-answered'>;
      s.nps = combineNps(s.nps, npsOf({ score: data.nps, surveyId: data.surveyId, at }));
      return;
    }
    case 'consent-changed': {
      const data = event.data as DataOf<'consent-changed'>;
      const record: ConsentRecord = { purpose: data.purpose, channel: data.channel, granted: data.granted, at };
      const key = consentKey(record);
      const winner = latestConsent([s.consents[key], record]);
      if (winner !== s.consents[key]) {
        s.consents = d.own(s.consents);
        s.consents[key] = winner!;
      }
      return;
    }
    case 'customer-registered':
      s.registeredAt = minInstant(s.registeredAt, at);
      return applyProfile(s, event.data as DataOf<'customer-registered'>, at, d);
    case 'profile-updated':
      return applyProfile(s, event.data as DataOf<'profile-updated'>, at, d);
    case 'email-sent':
    case 'email-opened':
    case 'email-clicked':
    case 'campaign-response':
      return applyMarketing(s, type, event.data, d);
    case 'call':
    case 'page-view':
    case 'inquiry':
    case 'suggestion':
      return;
  }
}

function countActivity(s: CustomerProfileState, month: string, type: TouchpointType, byCustomer: boolean, d: Draft) {
  s.activityByMonth = d.own(s.activityByMonth);
  const isNewMonth = !(month in s.activityByMonth);
  const bucket = (s.activityByMonth[month] = d.own(
    s.activityByMonth[month] ?? { touchpoints: 0, customerActivity: 0, purchases: 0 },
  ));
  bucket.touchpoints++;
  if (byCustomer) bucket.customerActivity++;
  if (type === 'purchase') bucket.purchases++;
  if (isNewMonth) dropOldMonths(s.activityByMonth);
}

function dropOldMonths(months: Record<string, MonthlyActivity>): void {
  const keys = Object.keys(months);
  if (keys.length <= CUSTOMER_PROFILE_LIMITS.activityMonths) return;
  keys.sort();
  for (const key of keys.slice(0, keys.length - CUSTOMER_PROFILE_LIMITS.activityMonths)) delete months[key];
}

function applyPurchase(s: CustomerProfileState, data: DataOf<'purchase'>, at: string, d: Draft): void {
  const purchases = (s.purchases = d.own(s.purchases));
  purchases.byCurrency = d.own(purchases.byCurrency);
  const totals = (purchases.byCurrency[data.currency] = d.own(purchases.byCurrency[data.currency] ?? emptyTotals()));
  const order = orderTotals(data);
  purchases.orders++;
  purchases.units += order.units;
  purchases.firstAt = minInstant(purchases.firstAt, at);
  purchases.lastAt = maxInstant(purchases.lastAt, at);
  totals.orders++;
  totals.units += order.units;
  totals.revenue = addMoney(totals.revenue, order.revenue);
  totals.revenueWithCost = addMoney(totals.revenueWithCost, order.revenueWithCost);
  totals.cost = addMoney(totals.cost, order.cost);
}

function orderTotals(data: DataOf<'purchase'>): CurrencyTotals {
  const totals = emptyTotals();
  for (const line of data.lines ?? []) {
    const lineRevenue = roundMoney(line.quantity * line.unitPrice);
    totals.units += line.quantity;
    totals.revenue = addMoney(totals.revenue, lineRevenue);
    if (typeof line.unitCost === 'number') {
      totals.revenueWithCost = addMoney(totals.revenueWithCost, lineRevenue);
      totals.cost = addMoney(totals.cost, roundMoney(line.quantity * line.unitCost));
    }
  }
  return totals;
}

function applyComplaint(
  s: CustomerProfileState,
  type: 'complaint-opened' | 'complaint-resolved',
  data: unknown,
  at: string,
  d: Draft,
): void {
  const single: ComplaintCase =
    type === 'complaint-opened'
      ? {
          openedAt: at,
          lastOpenedAt: at,
          resolvedAt: null,
          category: (data as DataOf<'complaint-opened'>).category ?? null,
          severity: (data as DataOf<'complaint-opened'>).severity ?? null,
          satisfied: null,
        }
      : {
          openedAt: null,
          lastOpenedAt: null,
          resolvedAt: at,
          category: null,
          severity: null,
          satisfied: (data as DataOf<'complaint-resolved'>).satisfied ?? null,
        };
  const caseId = (data as { caseId: string }).caseId;
  const complaints = (s.complaints = d.own(s.complaints));
  complaints.cases = d.own(complaints.cases);
  const existing = caseOf(complaints.cases, caseId);
  setCase(complaints.cases, caseId, existing ? combineCase(existing, single) : single);
  if (type === 'complaint-resolved') {
    const { cases, archived } = archiveOldCases(complaints.cases, complaints.archived);
    complaints.cases = d.fresh(cases);
    complaints.archived = archived;
  }
}

function applyProfile(s: CustomerProfileState, data: DataOf<'profile-updated'>, at: string, d: Draft): void {
  const given: ProfileFields = {};
  if (typeof data.name === 'string') given.name = { value: data.name, at };
  if (typeof data.birthDate === 'string') given.birthDate = { value: data.birthDate, at };
  if (data.address && typeof data.address === 'object') given.address = { value: { ...data.address }, at };
  if (Array.isArray(data.interests)) given.interests = { value: [...data.interests], at };
  if (Object.keys(given).length === 0) return;
  s.profile = d.own(s.profile);
  Object.assign(s.profile, combineProfileFields(s.profile, given));
}

function applyMarketing(
  s: CustomerProfileState,
  type: 'email-sent' | 'email-opened' | 'email-clicked' | 'campaign-response',
  data: unknown,
  d: Draft,
): void {
  const marketing = (s.marketing = d.own(s.marketing));
  switch (type) {
    case 'email-sent':
      marketing.emailsSent++;
      return;
    case 'email-opened':
      marketing.emailsOpened++;
      return;
    case 'email-clicked':
      marketing.emailsClicked++;
      return;
    case 'campaign-response': {
      const response = (data as DataOf<'campaign-response'>).response;
      if (response === 'accepted') marketing.campaignsAccepted++;
      else if (response === 'declined') marketing.campaignsDeclined++;
      else marketing.campaignsIgnored++;
    }
  }
}

/* ---------- combining: every field is a commutative, associative merge ---------- */

function combineTwo(a: CustomerProfileState, b: CustomerProfileState): CustomerProfileState {
  const cases = { ...a.complaints.cases };
  for (const [caseId, c] of Object.entries(b.complaints.cases)) {
    const existing = caseOf(cases, caseId);
    setCase(cases, caseId, existing ? combineCase(existing, c) : c);
  }
  const complaints = archiveOldCases(cases, addCounts(a.complaints.archived, b.complaints.archived));
  const activityByMonth = combineRecords(a.activityByMonth, b.activityByMonth, addCounts);
  dropOldMonths(activityByMonth);
  return {
    customerId: a.customerId,
    stateVersion: Math.max(a.stateVersion, b.stateVersion),
    touchpoints: a.touchpoints + b.touchpoints,
    undatedEvents: a.undatedEvents + b.undatedEvents,
    firstContactAt: minInstant(a.firstContactAt, b.firstContactAt),
    lastContactAt: maxInstant(a.lastContactAt, b.lastContactAt),
    lastCustomerActivityAt: maxInstant(a.lastCustomerActivityAt, b.lastCustomerActivityAt),
    registeredAt: minInstant(a.registeredAt, b.registeredAt),
    identities: mergeIdentities(a.identities, b.identities),
    profile: combineProfileFields(a.profile, b.profile),
    consents: combineRecords(a.consents, b.consents, (x, y) => latestConsent([x, y])!),
    countsByChannel: combineRecords(a.countsByChannel, b.countsByChannel, (x, y) => x + y),
    lastCustomerActivityByChannel: combineRecords(
      a.lastCustomerActivityByChannel,
      b.lastCustomerActivityByChannel,
      (x, y) => maxInstant(x, y)!,
    ),
    countsByType: combineRecords(a.countsByType, b.countsByType, (x, y) => (x ?? 0) + (y ?? 0)),
    purchases: {
      orders: a.purchases.orders + b.purchases.orders,
      units: a.purchases.units + b.purchases.units,
      firstAt: minInstant(a.purchases.firstAt, b.purchases.firstAt),
      lastAt: maxInstant(a.purchases.lastAt, b.purchases.lastAt),
      byCurrency: combineRecords(a.purchases.byCurrency, b.purchases.byCurrency, addCurrencyTotals),
    },
    returns: {
      returns: a.returns.returns + b.returns.returns,
      units: a.returns.units + b.returns.units,
      lastAt: maxInstant(a.returns.lastAt, b.returns.lastAt),
    },
    complaints,
    nps: combineNps(a.nps, b.nps),
    marketing: addCounts(a.marketing, b.marketing),
    activityByMonth,
  };
}

function combineRecords<V>(a: Record<string, V>, b: Record<string, V>, merge: (x: V, y: V) => V): Record<string, V> {
  const out: Record<string, V> = { ...a };
  for (const [key, value] of Object.entries(b)) out[key] = key in out ? merge(out[key], value) : value;
  return out;
}

function addCounts<T extends object>(a: T, b: T): T {
  const out = { ...a } as Record<string, number>;
  for (const [key, value] of Object.entries(b) as [string, number][]) out[key] = (out[key] ?? 0) + value;
  return out as T;
}

function addCurrencyTotals(a: CurrencyTotals, b: CurrencyTotals): CurrencyTotals {
  return {
    orders: a.orders + b.orders,
    units: a.units + b.units,
    revenue: addMoney(a.revenue, b.revenue),
    revenueWithCost: addMoney(a.revenueWithCost, b.revenueWithCost),
    cost: addMoney(a.cost, b.cost),
  };
}

/** Identities deduplicated by kind and value (earliest link wins), sorted, the first linked per kind kept. */
function mergeIdentities(a: LinkedIdentity[], b: LinkedIdentity[]): LinkedIdentity[] {
  if (b.length === 0) return a;
  const byKey = new Map<string, LinkedIdentity>();
  for (const identity of [...a, ...b]) {
    const key = `${identity.kind}\u0000${identity.value}`;
    const known = byKey.get(key);
    if (!known || identity.linkedAt < known.linkedAt) byKey.set(key, identity);
  }
  const perKind = new Map<string, number>();
  return [...byKey.values()].sort(compareIdentities).filter((identity) => {
    const count = (perKind.get(identity.kind) ?? 0) + 1;
    perKind.set(identity.kind, count);
    return count <= CUSTOMER_PROFILE_LIMITS.identitiesPerKind;
  });
}

function compareIdentities(a: LinkedIdentity, b: LinkedIdentity): number {
  return compareStrings(a.linkedAt, b.linkedAt) || compareStrings(a.kind, b.kind) || compareStrings(a.value, b.value);
}

function combineProfileFields(a: ProfileFields, b: ProfileFields): ProfileFields {
  const out: ProfileFields = {};
  const name = latestOf(a.name, b.name);
  const birthDate = latestOf(a.birthDate, b.birthDate);
  const address = latestOf(a.address, b.address);
  const interests = latestOf(a.interests, b.interests);
  if (name) out.name = name;
  if (birthDate) out.birthDate = birthDate;
  if (address) out.address = address;
  if (interests) out.interests = interests;
  return out;
}

/** The later value wins; at the same instant, the larger JSON, so every replica picks the same one. */
function latestOf<T>(a: LatestValue<T> | undefined, b: LatestValue<T> | undefined): LatestValue<T> | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.at !== b.at) return a.at > b.at ? a : b;
  return JSON.stringify(a.value) >= JSON.stringify(b.value) ? a : b;
}

function consentKey(record: ConsentRecord): string {
  return `${record.purpose}:${record.channel}`;
}

/** The latest consent record; at the same instant a withdrawal wins, the cautious reading. */
function latestConsent(records: (ConsentRecord | undefined)[]): ConsentRecord | undefined {
  let latest: ConsentRecord | undefined;
  for (const record of records) {
    if (!record) continue;
    if (!latest || record.at > latest.at || (record.at === latest.at && !record.granted && latest.granted)) {
      latest = record;
    }
  }
  return latest;
}

/** Satisfaction order at equal resolution instants: the worst answer wins. */
const SATISFACTION_RANK = (satisfied: boolean | null): number => (satisfied === false ? 2 : satisfied === null ? 1 : 0);

function combineCase(a: ComplaintCase, b: ComplaintCase): ComplaintCase {
  const opening =
    a.lastOpenedAt === null
      ? b
      : b.lastOpenedAt === null
        ? a
        : a.lastOpenedAt !== b.lastOpenedAt
          ? a.lastOpenedAt > b.lastOpenedAt
            ? a
            : b
          : JSON.stringify([a.category, a.severity]) >= JSON.stringify([b.category, b.severity])
            ? a
            : b;
  const resolution =
    a.resolvedAt === null
      ? b
      : b.resolvedAt === null
        ? a
        : a.resolvedAt !== b.resolvedAt
          ? a.resolvedAt > b.resolvedAt
            ? a
            : b
          : SATISFACTION_RANK(a.satisfied) >= SATISFACTION_RANK(b.satisfied)
            ? a
            : b;
  return {
    openedAt: minInstant(a.openedAt, b.openedAt),
    lastOpenedAt: opening.lastOpenedAt,
    resolvedAt: resolution.resolvedAt,
    category: opening.category,
    severity: opening.severity,
    satisfied: resolution.satisfied,
  };
}

function resolutionMs(c: ComplaintCase): number | null {
  if (c.openedAt === null || c.resolvedAt === null) return null;
  return Math.max(0, Date.parse(c.resolvedAt) - Date.parse(c.openedAt));
}

/** Case ids are the channels' free text: `constructor` or `__proto__` must be cases like any other. */
function caseOf(cases: Record<string, ComplaintCase>, caseId: string): ComplaintCase | undefined {
  return Object.hasOwn(cases, caseId) ? cases[caseId] : undefined;
}

function setCase(cases: Record<string, ComplaintCase>, caseId: string, value: ComplaintCase): void {
  Object.defineProperty(cases, caseId, { value, enumerable: true, writable: true, configurable: true });
}

/** Keeps the latest resolved cases one by one; older resolved ones only count in the archive. */
function archiveOldCases(
  cases: Record<string, ComplaintCase>,
  archived: ArchivedComplaints,
): { cases: Record<string, ComplaintCase>; archived: ArchivedComplaints } {
  const resolved = Object.entries(cases).filter(([, c]) => c.resolvedAt !== null && !isComplaintOpen(c));
  const excess = resolved.length - CUSTOMER_PROFILE_LIMITS.resolvedComplaintCases;
  if (excess <= 0) return { cases, archived };
  resolved.sort(([idA, a], [idB, b]) => compareStrings(a.resolvedAt!, b.resolvedAt!) || compareStrings(idA, idB));
  const kept = { ...cases };
  const next = { ...archived };
  for (const [caseId, c] of resolved.slice(0, excess)) {
    delete kept[caseId];
    next.cases++;
    const duration = resolutionMs(c);
    if (duration !== null) {
      next.timedCases++;
      next.resolutionMsTotal += duration;
    }
    if (c.satisfied === true) next.satisfied++;
    if (c.satisfied === false) next.unsatisfied++;
  }
  return { cases: kept, archived: next };
}

function npsOf(answer: NpsAnswer): NpsHistory {
  return {
    answers: 1,
    total: answer.score,
    promoters: answer.score >= 9 ? 1 : 0,
    passives: answer.score === 7 || answer.score === 8 ? 1 : 0,
    detractors: answer.score <= 6 ? 1 : 0,
    recent: [answer],
  };
}

function combineNps(a: NpsHistory, b: NpsHistory): NpsHistory {
  const recent = [...a.recent, ...b.recent].sort(
    (x, y) => compareStrings(y.at, x.at) || compareStrings(JSON.stringify(y), JSON.stringify(x)),
  );
  return {
    answers: a.answers + b.answers,
    total: a.total + b.total,
    promoters: a.promoters + b.promoters,
    passives: a.passives + b.passives,
    detractors: a.detractors + b.detractors,
    recent: recent.slice(0, CUSTOMER_PROFILE_LIMITS.recentNpsAnswers),
  };
}

/* ---------- small pure helpers ---------- */

/** Instants as `toISOString` writes them, which is how the event store keeps `occurredAt`: no parsing needed. */
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function instantOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (CANONICAL_INSTANT.test(value)) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function minInstant(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

function maxInstant(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sum<T>(items: T[], of: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += of(item);
  return total;
}

/** Rounded to 4 decimals: a sum of such amounts is the same whatever the order of addition. */
export function roundMoney(amount: number): number {
  return Math.round(amount * 10_000) / 10_000;
}

function addMoney(a: number, b: number): number {
  return roundMoney(a + b);
}

function monthBounds(month: string): { start: number; end: number } {
  const year = Number(month.slice(0, 4));
  const monthIndex = Number(month.slice(5, 7)) - 1;
  return { start: Date.UTC(year, monthIndex, 1), end: Date.UTC(year, monthIndex + 1, 1) };
}

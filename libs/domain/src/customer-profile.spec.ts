import fc from 'fast-check';
import {
  combineProfiles,
  CUSTOMER_PROFILE_LIMITS,
  customerActivityBetween,
  emptyCustomerProfile,
  evolveCustomerProfile,
  foldCustomerProfile,
  hasConsent,
  hasMarketingConsent,
  lastNpsAnswer,
  marginOf,
  openComplaints,
  resolvedComplaintsSummary,
  returnedUnitShare,
  spendIn,
  type ProfileEvent,
} from './customer-profile.js';

/* ---------- builders: one stored event each, as the event store returns it ---------- */

let sequence = 0;

function anEvent(type: string, data: object, occurredAt: string, channel: string | null = 'web'): ProfileEvent {
  sequence++;
  const metadata = { occurredAt, eventId: `e-${sequence}`, recordedAt: '2030-01-01T00:00:00.000Z', schemaVersion: 1 };
  return {
    type,
    data: { customerId: 'c-1', ...data },
    metadata: channel === null ? metadata : { ...metadata, channel },
  };
}

const line = (sku: string, quantity: number, unitPrice: number, unitCost?: number) =>
  unitCost === undefined
    ? { sku, category: 'shoes', quantity, unitPrice }
    : { sku, category: 'shoes', quantity, unitPrice, unitCost };

function purchase(
  at: string,
  lines = [line('SKU-1', 1, 50)],
  { orderId = `o-${sequence + 1}`, currency = 'EUR', channel = 'store' } = {},
) {
  return anEvent('PurchaseMade', { orderId, currency, lines }, at, channel);
}
const returned = (at: string, orderId: string, quantity: number) =>
  anEvent('PurchaseReturned', { orderId, lines: [{ sku: 'SKU-1', quantity }], reason: 'too small' }, at, 'store');
const complaintOpened = (at: string, caseId: string, severity = 'medium', channel = 'call-center') =>
  anEvent('ComplaintOpened', { caseId, category: 'delivery', severity, text: 'late' }, at, channel);
const complaintResolved = (at: string, caseId: string, satisfied?: boolean) =>
  anEvent(
    'ComplaintResolved',
    satisfied === undefined ? { caseId, resolution: 'refund' } : { caseId, resolution: 'refund', satisfied },
    at,
    'call-center',
  );
const survey = (at: string, nps: number, surveyId = `s-${at}`) =>
  anEvent('SurveyAnswered', { surveyId, nps }, at, 'email');
const consent = (at: string, purpose: string, channel: string, granted: boolean) =>
  anEvent('ConsentChanged', { purpose, channel, granted }, at, 'web');
const profileUpdated = (at: string, data: object) => anEvent('ProfileUpdated', data, at, 'web');
const registered = (at: string, data: object = {}) => anEvent('CustomerRegistered', data, at, 'web');
const identityLinked = (at: string, kind: string, value: string) =>
  anEvent('IdentityLinked', { kind, value }, at, null);
const emailSent = (at: string) => anEvent('EmailSent', { campaignId: 'spring' }, at, 'email');
const emailOpened = (at: string) => anEvent('EmailOpened', { campaignId: 'spring' }, at, 'email');
const emailClicked = (at: string) => anEvent('EmailClicked', { campaignId: 'spring', url: '/sale' }, at, 'email');
const campaignResponse = (at: string, response: string) =>
  anEvent('CampaignResponded', { campaignId: 'spring', response }, at, 'email');
const call = (at: string) =>
  anEvent('CallHandled', { reason: 'order', durationSeconds: 120, outcome: 'ok' }, at, 'call-center');
const pageView = (at: string) => anEvent('PageViewed', { url: '/p/1', sessionId: 's-1' }, at, 'web');

const fold = (events: ProfileEvent[], customerId = 'c-1') =>
  foldCustomerProfile(emptyCustomerProfile(customerId), events);

/** Freezes an object graph, so a test fails if the fold writes into its input. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A customer's two years, with every event type, ties at one instant and a complaint spanning streams. */
function aRichHistory(): ProfileEvent[] {
  return [
    registered('2024-01-05T10:00:00.000Z', { name: 'Ana', address: { city: 'Madrid' } }),
    identityLinked('2024-01-05T10:00:00.000Z', 'email', 'ana@example.com'),
    identityLinked('2024-02-01T10:00:00.000Z', 'phone', '+34600000000'),
    identityLinked('2024-03-01T10:00:00.000Z', 'email', 'ana@example.com'),
    consent('2024-01-05T10:00:00.000Z', 'marketing', 'email', true),
    consent('2024-06-01T10:00:00.000Z', 'marketing', 'email', false),
    consent('2024-06-01T10:00:00.000Z', 'marketing', 'email', true),
    consent('2024-07-01T10:00:00.000Z', 'profiling', 'any', true),
    profileUpdated('2024-03-01T10:00:00.000Z', { name: 'Ana María' }),
    profileUpdated('2024-03-01T10:00:00.000Z', { name: 'Ana Maria' }),
    profileUpdated('2024-05-01T10:00:00.000Z', { interests: ['running', 'hiking'] }),
    purchase('2024-01-10T10:00:00.000Z', [line('A', 3, 0.1), line('B', 1, 19.99, 12)]),
    purchase('2024-02-10T10:00:00.000Z', [line('A', 2, 33.33, 20)]),
    purchase('2024-03-10T10:00:00.000Z', [line('C', 1, 0.07)], { currency: 'USD', channel: 'web' }),
    purchase('2024-04-10T10:00:00.000Z', [line('A', 7, 1.1)], { channel: 'mobile-app' }),
    returned('2024-04-12T10:00:00.000Z', 'o-x', 2),
    complaintOpened('2024-04-13T10:00:00.000Z', 'case-1', 'high'),
    complaintResolved('2024-04-15T10:00:00.000Z', 'case-1', true),
    complaintOpened('2024-05-13T10:00:00.000Z', 'case-2'),
    complaintResolved('2024-05-20T10:00:00.000Z', 'case-2', false),
    complaintResolved('2024-05-20T10:00:00.000Z', 'case-2', true),
    complaintOpened('2025-01-02T10:00:00.000Z', 'case-3', 'low', 'chat'),
    survey('2024-04-20T10:00:00.000Z', 9),
    survey('2024-08-20T10:00:00.000Z', 6),
    survey('2024-08-20T10:00:00.000Z', 7),
    survey('2025-01-20T10:00:00.000Z', 3),
    emailSent('2024-09-01T10:00:00.000Z'),
    emailOpened('2024-09-01T11:00:00.000Z'),
    emailClicked('2024-09-01T11:05:00.000Z'),
    campaignResponse('2024-09-02T10:00:00.000Z', 'accepted'),
    campaignResponse('2024-10-02T10:00:00.000Z', 'ignored'),
    call('2024-11-02T10:00:00.000Z'),
    pageView('2025-02-02T10:00:00.000Z'),
    anEvent('InquiryMade', { subject: 'sizes', text: '?' }, '2025-02-03T10:00:00.000Z', 'chat'),
    anEvent('SuggestionMade', { subject: 'app', text: 'dark mode' }, '2025-02-04T10:00:00.000Z', 'mobile-app'),
    anEvent(
      'CustomersMerged',
      { mergeId: 'm', survivorId: 'c-1', mergedId: 'c-2', reason: 'same' },
      '2025-02-05T10:00:00.000Z',
    ),
  ];
}

describe('customer profile fold', () => {
  it('given no events, when the empty profile is built, then it has no history and no consent', () => {
    const state = emptyCustomerProfile('c-1');
    expect(state).toMatchObject({
      customerId: 'c-1',
      touchpoints: 0,
      firstContactAt: null,
      lastContactAt: null,
      identities: [],
      purchases: { orders: 0, units: 0, firstAt: null, lastAt: null, byCurrency: {} },
    });
    expect(hasMarketingConsent(state)).toBe(false);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  describe('purchases', () => {
    it('given two orders in the store, when folded, then spend, units, order count and first/last purchase add up', () => {
      const state = fold([
        purchase('2026-03-01T10:00:00.000Z', [line('A', 2, 10.5), line('B', 1, 3)]),
        purchase('2026-01-15T09:00:00+01:00', [line('C', 1, 100)]),
      ]);
      expect(state.purchases).toEqual({
        orders: 2,
        units: 4,
        firstAt: '2026-01-15T08:00:00.000Z',
        lastAt: '2026-03-01T10:00:00.000Z',
        byCurrency: { EUR: { orders: 2, units: 4, revenue: 124, revenueWithCost: 0, cost: 0 } },
      });
      expect(state.countsByChannel).toEqual({ store: 2 });
      expect(state.countsByType).toEqual({ purchase: 2 });
      expect(state.activityByMonth).toEqual({
        '2026-01': { touchpoints: 1, customerActivity: 1, purchases: 1 },
        '2026-03': { touchpoints: 1, customerActivity: 1, purchases: 1 },
      });
    });

    it('given orders in EUR and USD, when folded, then each currency keeps its own totals', () => {
      const state = fold([
        purchase('2026-01-01T10:00:00.000Z', [line('A', 1, 20)]),
        purchase('2026-01-02T10:00:00.000Z', [line('A', 2, 15)], { currency: 'USD' }),
      ]);
      expect(state.purchases.byCurrency.EUR.revenue).toBe(20);
      expect(state.purchases.byCurrency.USD).toEqual({ orders: 1, units: 2, revenue: 30, revenueWithCost: 0, cost: 0 });
      expect(spendIn(state, 'EUR')).toMatchObject({ orders: 1, revenue: 20, unconverted: { USD: 30 } });
      expect(spendIn(state, 'EUR', { USD: 0.5 })).toMatchObject({ orders: 2, revenue: 35, unconverted: {} });
    });

    it('given a line with a unit cost and one without, when folded, then margin counts only the costed line', () => {
      const state = fold([purchase('2026-01-01T10:00:00.000Z', [line('A', 2, 30, 18), line('B', 1, 40)])]);
      const eur = state.purchases.byCurrency.EUR;
      expect(eur).toEqual({ orders: 1, units: 3, revenue: 100, revenueWithCost: 60, cost: 36 });
      expect(marginOf(eur)).toEqual({ margin: 24, marginCoverage: 0.6 });
    });

    it('given no line with a cost, when the margin is asked, then it is unknown, not zero', () => {
      const state = fold([purchase('2026-01-01T10:00:00.000Z', [line('A', 1, 30)])]);
      expect(marginOf(state.purchases.byCurrency.EUR)).toEqual({ margin: null, marginCoverage: 0 });
    });

    it('given prices that do not add up exactly in binary, when folded, then totals are exact to 4 decimals', () => {
      const state = fold([
        purchase('2026-01-01T10:00:00.000Z', [line('A', 1, 0.1)]),
        purchase('2026-01-02T10:00:00.000Z', [line('A', 1, 0.2)]),
      ]);
      expect(state.purchases.byCurrency.EUR.revenue).toBe(0.3);
    });

    it('given a return of 2 of 8 units bought, when folded, then returns and units are counted and a quarter came back', () => {
      const state = fold([
        purchase('2026-01-01T10:00:00.000Z', [line('A', 8, 5)], { orderId: 'o-1' }),
        returned('2026-01-05T10:00:00.000Z', 'o-1', 2),
      ]);
      expect(state.returns).toEqual({ returns: 1, units: 2, lastAt: '2026-01-05T10:00:00.000Z' });
      expect(returnedUnitShare(state)).toBe(0.25);
    });
  });

  describe('complaints', () => {
    it.each(['constructor', '__proto__', 'toString'])(
      'given a case id that names an object property (%p), when folded and combined, then it is a case like any other',
      (caseId) => {
        const opened = fold([complaintOpened('2026-02-01T09:00:00.000Z', caseId, 'high')]);
        expect(openComplaints(opened)).toEqual([
          { caseId, openedAt: '2026-02-01T09:00:00.000Z', category: 'delivery', severity: 'high' },
        ]);
        const stored = JSON.parse(JSON.stringify(opened)) as typeof opened;
        const resolved = fold([complaintResolved('2026-02-04T09:00:00.000Z', caseId, true)]);
        const combined = combineProfiles(stored.customerId, [stored, JSON.parse(JSON.stringify(resolved))]);
        expect(openComplaints(combined)).toEqual([]);
        expect(resolvedComplaintsSummary(combined)).toMatchObject({ resolved: 1, meanResolutionDays: 3 });
        expect(Object.getPrototypeOf(combined.complaints.cases)).toBe(Object.prototype);
      },
    );

    it('given a complaint opened, when folded, then it is open since its opening', () => {
      const state = fold([complaintOpened('2026-02-01T09:00:00.000Z', 'case-1', 'high')]);
      expect(openComplaints(state)).toEqual([
        { caseId: 'case-1', openedAt: '2026-02-01T09:00:00.000Z', category: 'delivery', severity: 'high' },
      ]);
    });

    it('given a complaint opened and resolved 3 days later to satisfaction, when folded, then it is closed with its resolution time', () => {
      const state = fold([
        complaintOpened('2026-02-01T09:00:00.000Z', 'case-1'),
        complaintResolved('2026-02-04T09:00:00.000Z', 'case-1', true),
      ]);
      expect(openComplaints(state)).toEqual([]);
      expect(resolvedComplaintsSummary(state)).toEqual({
        resolved: 1,
        meanResolutionDays: 3,
        satisfied: 1,
        unsatisfied: 0,
      });
    });

    it('given the resolution arriving before the opening, when folded, then the case is still resolved', () => {
      const state = fold([
        complaintResolved('2026-02-04T09:00:00.000Z', 'case-1', false),
        complaintOpened('2026-02-01T09:00:00.000Z', 'case-1'),
      ]);
      expect(openComplaints(state)).toEqual([]);
      expect(resolvedComplaintsSummary(state)).toMatchObject({ resolved: 1, meanResolutionDays: 3, unsatisfied: 1 });
    });

    it('given a complaint opened in one stream and resolved in another, when combined, then it is resolved with its time', () => {
      const opened = fold([complaintOpened('2026-02-01T09:00:00.000Z', 'case-1')], 'c-1');
      const resolved = fold([complaintResolved('2026-02-11T09:00:00.000Z', 'case-1', true)], 'c-2');
      expect(openComplaints(opened)).toHaveLength(1);
      const combined = combineProfiles('c-1', [opened, resolved]);
      expect(openComplaints(combined)).toEqual([]);
      expect(resolvedComplaintsSummary(combined)).toMatchObject({ resolved: 1, meanResolutionDays: 10, satisfied: 1 });
    });

    it('given a resolved complaint opened again later, when folded, then it is open since the reopening', () => {
      const state = fold([
        complaintOpened('2026-02-01T09:00:00.000Z', 'case-1'),
        complaintResolved('2026-02-02T09:00:00.000Z', 'case-1'),
        complaintOpened('2026-03-01T09:00:00.000Z', 'case-1', 'critical'),
      ]);
      expect(openComplaints(state)).toEqual([
        { caseId: 'case-1', openedAt: '2026-03-01T09:00:00.000Z', category: 'delivery', severity: 'critical' },
      ]);
    });

    it('given more resolved cases than are kept one by one, when folded, then the oldest count in the archive', () => {
      const limit = CUSTOMER_PROFILE_LIMITS.resolvedComplaintCases;
      const events: ProfileEvent[] = [];
      for (let i = 0; i < limit + 3; i++) {
        const day = new Date(Date.UTC(2020, 0, 1 + i)).toISOString();
        const nextDay = new Date(Date.UTC(2020, 0, 3 + i)).toISOString();
        events.push(complaintOpened(day, `case-${i}`), complaintResolved(nextDay, `case-${i}`, i % 2 === 0));
      }
      const state = fold(events);
      expect(Object.keys(state.complaints.cases)).toHaveLength(limit);
      expect(state.complaints.cases['case-0']).toBeUndefined();
      expect(state.complaints.archived).toEqual({
        cases: 3,
        timedCases: 3,
        resolutionMsTotal: 3 * 2 * 86_400_000,
        satisfied: 2,
        unsatisfied: 1,
      });
      expect(resolvedComplaintsSummary(state)).toEqual({
        resolved: limit + 3,
        meanResolutionDays: 2,
        satisfied: 52,
        unsatisfied: 51,
      });
    });
  });

  describe('NPS', () => {
    it('given three answers folded out of order, when folded, then the last by occurredAt is the last NPS and the totals add', () => {
      const state = fold([
        survey('2026-03-01T10:00:00.000Z', 4),
        survey('2026-01-01T10:00:00.000Z', 10),
        survey('2026-02-01T10:00:00.000Z', 8),
      ]);
      expect(lastNpsAnswer(state)).toEqual({
        score: 4,
        surveyId: 's-2026-03-01T10:00:00.000Z',
        at: '2026-03-01T10:00:00.000Z',
      });
      expect(state.nps).toMatchObject({ answers: 3, total: 22, promoters: 1, passives: 1, detractors: 1 });
      expect(state.nps.recent.map((a) => a.score)).toEqual([4, 8, 10]);
    });

    it('given more answers than kept one by one, when folded, then only the latest are kept but all count', () => {
      const events = Array.from({ length: 8 }, (_, i) => survey(`2026-0${i + 1}-01T10:00:00.000Z`, i));
      const state = fold(events);
      expect(state.nps.answers).toBe(8);
      expect(state.nps.total).toBe(28);
      expect(state.nps.recent.map((a) => a.score)).toEqual([7, 6, 5, 4, 3]);
    });
  });

  describe('consent', () => {
    it('given a grant then a withdrawal that arrives first, when folded, then the later by occurredAt wins', () => {
      const state = fold([
        consent('2026-05-01T10:00:00.000Z', 'marketing', 'email', false),
        consent('2026-01-01T10:00:00.000Z', 'marketing', 'email', true),
      ]);
      expect(state.consents['marketing:email']).toEqual({
        purpose: 'marketing',
        channel: 'email',
        granted: false,
        at: '2026-05-01T10:00:00.000Z',
      });
      expect(hasMarketingConsent(state)).toBe(false);
    });

    it('given marketing granted by e-mail and later withdrawn by sms, when asked, then the latest on any channel decides: no', () => {
      const state = fold([
        consent('2026-01-01T10:00:00.000Z', 'marketing', 'email', true),
        consent('2026-02-01T10:00:00.000Z', 'marketing', 'sms', false),
      ]);
      expect(hasMarketingConsent(state)).toBe(false);
      expect(hasConsent(state, 'marketing', 'email')).toBe(true);
      expect(hasConsent(state, 'marketing', 'sms')).toBe(false);
    });

    it('given only profiling consent, when asked for marketing, then there is none', () => {
      const state = fold([consent('2026-01-01T10:00:00.000Z', 'profiling', 'any', true)]);
      expect(hasMarketingConsent(state)).toBe(false);
      expect(hasConsent(state, 'profiling', 'phone')).toBe(true);
    });

    it('given a grant and a withdrawal at the same instant, when folded in either order, then the withdrawal wins', () => {
      const grant = consent('2026-01-01T10:00:00.000Z', 'marketing', 'any', true);
      const withdrawal = consent('2026-01-01T10:00:00.000Z', 'marketing', 'any', false);
      expect(hasMarketingConsent(fold([grant, withdrawal]))).toBe(false);
      expect(hasMarketingConsent(fold([withdrawal, grant]))).toBe(false);
    });

    it('given marketing granted on any channel, when asked, then there is marketing consent', () => {
      expect(hasMarketingConsent(fold([consent('2026-01-01T10:00:00.000Z', 'marketing', 'any', true)]))).toBe(true);
    });
  });

  describe('contact data and identities', () => {
    it('given a registration and later partial updates, when folded, then each field is its own latest and registeredAt is kept', () => {
      const state = fold([
        profileUpdated('2026-03-01T10:00:00.000Z', { name: 'Ana María López' }),
        registered('2026-01-01T10:00:00.000Z', {
          name: 'Ana',
          birthDate: '1990-04-02',
          address: { city: 'Madrid', country: 'ES' },
          interests: ['running'],
        }),
        profileUpdated('2026-02-01T10:00:00.000Z', { name: 'Ana López', interests: ['running', 'yoga'] }),
      ]);
      expect(state.registeredAt).toBe('2026-01-01T10:00:00.000Z');
      expect(state.profile).toEqual({
        name: { value: 'Ana María López', at: '2026-03-01T10:00:00.000Z' },
        birthDate: { value: '1990-04-02', at: '2026-01-01T10:00:00.000Z' },
        address: { value: { city: 'Madrid', country: 'ES' }, at: '2026-01-01T10:00:00.000Z' },
        interests: { value: ['running', 'yoga'], at: '2026-02-01T10:00:00.000Z' },
      });
    });

    it('given identities linked twice and out of order, when folded, then each is listed once with its first link', () => {
      const state = fold([
        identityLinked('2026-03-01T10:00:00.000Z', 'email', 'ana@example.com'),
        identityLinked('2026-01-01T10:00:00.000Z', 'loyaltyCardId', 'L-1'),
        identityLinked('2026-02-01T10:00:00.000Z', 'email', 'ana@example.com'),
      ]);
      expect(state.identities).toEqual([
        { kind: 'loyaltyCardId', value: 'L-1', linkedAt: '2026-01-01T10:00:00.000Z' },
        { kind: 'email', value: 'ana@example.com', linkedAt: '2026-02-01T10:00:00.000Z' },
      ]);
      expect(state.touchpoints).toBe(0);
      expect(state.firstContactAt).toBeNull();
    });

    it('given more anonymous ids than kept, when folded, then the first linked are kept', () => {
      const limit = CUSTOMER_PROFILE_LIMITS.identitiesPerKind;
      const events = Array.from({ length: limit + 5 }, (_, i) =>
        identityLinked(new Date(Date.UTC(2026, 0, 1, 0, limit + 5 - i)).toISOString(), 'anonymousId', `anon-${i}`),
      );
      const state = fold([identityLinked('2027-01-01T00:00:00.000Z', 'email', 'a@b.c'), ...events]);
      expect(state.identities.filter((i) => i.kind === 'anonymousId')).toHaveLength(limit);
      expect(state.identities.some((i) => i.value === 'anon-0')).toBe(false);
      expect(state.identities.some((i) => i.value === `anon-${limit + 4}`)).toBe(true);
      expect(state.identities.some((i) => i.kind === 'email')).toBe(true);
    });
  });

  describe('contacts, channels and engagement', () => {
    it('given touchpoints on several channels, when folded, then first/last contact, counts and the customer-made activity follow', () => {
      const state = fold([
        call('2026-01-10T10:00:00.000Z'),
        pageView('2026-02-10T10:00:00.000Z'),
        emailSent('2026-03-10T10:00:00.000Z'),
        anEvent('InquiryMade', { subject: 'x', text: 'y' }, '2026-01-20T10:00:00.000Z', null),
      ]);
      expect(state.touchpoints).toBe(4);
      expect(state.firstContactAt).toBe('2026-01-10T10:00:00.000Z');
      expect(state.lastContactAt).toBe('2026-03-10T10:00:00.000Z');
      expect(state.lastCustomerActivityAt).toBe('2026-02-10T10:00:00.000Z');
      expect(state.countsByChannel).toEqual({ 'call-center': 1, web: 1, email: 1, unknown: 1 });
      expect(state.countsByType).toEqual({ call: 1, 'page-view': 1, 'email-sent': 1, inquiry: 1 });
      expect(state.lastCustomerActivityByChannel).toEqual({
        'call-center': '2026-01-10T10:00:00.000Z',
        web: '2026-02-10T10:00:00.000Z',
        unknown: '2026-01-20T10:00:00.000Z',
      });
      expect(state.activityByMonth['2026-03']).toEqual({ touchpoints: 1, customerActivity: 0, purchases: 0 });
    });

    it('given e-mails and campaign responses, when folded, then opens, clicks and responses are counted', () => {
      const state = fold([
        emailSent('2026-01-01T10:00:00.000Z'),
        emailSent('2026-02-01T10:00:00.000Z'),
        emailOpened('2026-02-01T11:00:00.000Z'),
        emailClicked('2026-02-01T11:01:00.000Z'),
        campaignResponse('2026-02-02T10:00:00.000Z', 'accepted'),
        campaignResponse('2026-02-03T10:00:00.000Z', 'declined'),
        campaignResponse('2026-02-04T10:00:00.000Z', 'ignored'),
      ]);
      expect(state.marketing).toEqual({
        emailsSent: 2,
        emailsOpened: 1,
        emailsClicked: 1,
        campaignsAccepted: 1,
        campaignsDeclined: 1,
        campaignsIgnored: 1,
      });
      expect(state.activityByMonth['2026-02']).toEqual({ touchpoints: 6, customerActivity: 4, purchases: 0 });
    });

    it('given more months of activity than kept, when folded, then the most recent months stay', () => {
      const months = CUSTOMER_PROFILE_LIMITS.activityMonths + 2;
      const events = Array.from({ length: months }, (_, i) =>
        pageView(new Date(Date.UTC(2020, i, 15)).toISOString()),
      ).reverse();
      const state = fold(events);
      const kept = Object.keys(state.activityByMonth).sort();
      expect(kept).toHaveLength(CUSTOMER_PROFILE_LIMITS.activityMonths);
      expect(kept[0]).toBe('2020-03');
      expect(state.touchpoints).toBe(months);
    });

    it('given 30 interactions in June, when activity is asked for the second half of June, then half is counted', () => {
      const events = Array.from({ length: 30 }, (_, i) =>
        pageView(new Date(Date.UTC(2026, 5, 1 + i, 12)).toISOString()),
      );
      const state = fold(events);
      const june16 = Date.UTC(2026, 5, 16);
      const july1 = Date.UTC(2026, 6, 1);
      expect(customerActivityBetween(state, june16, july1)).toBeCloseTo(15, 6);
      expect(customerActivityBetween(state, Date.UTC(2026, 4, 1), Date.UTC(2026, 5, 1))).toBe(0);
    });

    it('given a month in progress, when activity is asked up to now, then the month counts whole, not spread over days to come', () => {
      const state = fold([pageView('2026-06-02T10:00:00.000Z'), pageView('2026-06-03T10:00:00.000Z')]);
      const now = Date.UTC(2026, 5, 5);
      expect(customerActivityBetween(state, now - 90 * 86_400_000, now)).toBeCloseTo(2, 6);
    });
  });

  describe('ignored and undated events', () => {
    it('given merge, unmerge and unknown events, when folded, then the profile does not change', () => {
      const before = fold([purchase('2026-01-01T10:00:00.000Z')]);
      const after = foldCustomerProfile(before, [
        anEvent(
          'CustomersMerged',
          { mergeId: 'm', survivorId: 'c-1', mergedId: 'c-2', reason: 'x' },
          '2026-02-01T10:00:00.000Z',
        ),
        anEvent(
          'CustomersUnmerged',
          { mergeId: 'm', survivorId: 'c-1', mergedId: 'c-2', reason: 'x' },
          '2026-03-01T10:00:00.000Z',
        ),
        anEvent('SomethingNew', {}, '2026-03-01T10:00:00.000Z'),
      ]);
      expect(after).toEqual(before);
    });

    it('given an event with no readable time, when folded, then it is counted as undated and left out of every figure', () => {
      const event: ProfileEvent = {
        type: 'PurchaseMade',
        data: { orderId: 'o', currency: 'EUR', lines: [] },
        metadata: {},
      };
      const state = fold([event]);
      expect(state.undatedEvents).toBe(1);
      expect(state.purchases.orders).toBe(0);
      expect(state.touchpoints).toBe(0);
    });

    it('given no occurredAt but a recordedAt, when folded, then the recorded time is used', () => {
      const event: ProfileEvent = {
        type: 'CallHandled',
        data: {},
        metadata: { recordedAt: '2026-01-01T10:00:00.000Z' },
      };
      expect(fold([event]).lastContactAt).toBe('2026-01-01T10:00:00.000Z');
    });
  });

  describe('purity', () => {
    it('given a frozen state and frozen events, when evolved, then nothing is written into them', () => {
      const state = deepFreeze(fold(aRichHistory().slice(0, 20)));
      const snapshot = JSON.stringify(state);
      const events = aRichHistory().map((e) => deepFreeze(e));
      let next = state;
      for (const event of events) next = evolveCustomerProfile(next, event);
      expect(JSON.stringify(state)).toBe(snapshot);
      expect(next.touchpoints).toBe(state.touchpoints + 32);
    });

    it('given a batch, when folded at once or event by event, then the results are equal', () => {
      const events = aRichHistory();
      const oneByOne = events.reduce(evolveCustomerProfile, emptyCustomerProfile('c-1'));
      expect(fold(events)).toEqual(oneByOne);
    });

    it('given a rich history, when folded, then the state is plain JSON', () => {
      const state = fold(aRichHistory());
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    });
  });
});

describe('combineProfiles', () => {
  const history = aRichHistory();
  /** A history, shuffled and split into up to three streams. */
  const shuffledParts = fc
    .tuple(
      fc.shuffledSubarray(history, { minLength: history.length }),
      fc.integer({ min: 0, max: history.length }),
      fc.integer({ min: 0, max: history.length }),
    )
    .map(([events, i, j]) => {
      const [a, b] = [Math.min(i, j), Math.max(i, j)];
      return [events.slice(0, a), events.slice(a, b), events.slice(b)];
    });

  it('given a shuffled history split into streams, when each is folded and combined, then it equals folding all in one', () => {
    const whole = fold(history);
    fc.assert(
      fc.property(shuffledParts, ([a, b, c]) => {
        const combined = combineProfiles('c-1', [fold(a, 'c-1'), fold(b, 'c-2'), fold(c, 'c-3')]);
        expect(combined).toEqual(whole);
        expect(JSON.stringify(sortKeys(combined))).toBe(JSON.stringify(sortKeys(whole)));
      }),
      { numRuns: 200 },
    );
  });

  it('given parts, when combined in any order or grouping, then the result is the same (commutative, associative)', () => {
    fc.assert(
      fc.property(shuffledParts, ([a, b, c]) => {
        const [pa, pb, pc] = [fold(a, 'c-1'), fold(b, 'c-2'), fold(c, 'c-3')];
        const ab = combineProfiles('x', [pa, pb]);
        expect(ab).toEqual(combineProfiles('x', [pb, pa]));
        expect(combineProfiles('x', [ab, pc])).toEqual(combineProfiles('x', [pa, combineProfiles('y', [pb, pc])]));
      }),
      { numRuns: 100 },
    );
  });

  it('given one part, when combined, then it is that part re-keyed', () => {
    const part = fold(history, 'c-2');
    expect(combineProfiles('c-1', [part])).toEqual({ ...part, customerId: 'c-1' });
    expect(combineProfiles('c-1', [part, emptyCustomerProfile('c-9')])).toEqual({ ...part, customerId: 'c-1' });
  });

  it('given no parts, when combined, then the profile is empty', () => {
    expect(combineProfiles('c-1', [])).toEqual(emptyCustomerProfile('c-1'));
  });

  it('given two merged customers, when combined, then counts add, first/last span both and the latest contact data wins', () => {
    const ana = fold(
      [
        purchase('2025-01-01T10:00:00.000Z', [line('A', 1, 10)]),
        profileUpdated('2025-01-01T10:00:00.000Z', { name: 'Ana' }),
      ],
      'c-1',
    );
    const anaToo = fold(
      [
        purchase('2026-01-01T10:00:00.000Z', [line('A', 1, 15)]),
        profileUpdated('2026-01-01T10:00:00.000Z', { name: 'Ana L.' }),
      ],
      'c-2',
    );
    const combined = combineProfiles('c-1', [anaToo, ana]);
    expect(combined.customerId).toBe('c-1');
    expect(combined.purchases).toMatchObject({
      orders: 2,
      firstAt: '2025-01-01T10:00:00.000Z',
      lastAt: '2026-01-01T10:00:00.000Z',
      byCurrency: { EUR: { revenue: 25 } },
    });
    expect(combined.profile.name?.value).toBe('Ana L.');
  });
});

/** JSON with keys sorted, to compare states as the database would store them. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

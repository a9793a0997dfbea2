import { emptyCustomerProfile, foldCustomerProfile, type ProfileEvent } from '../src/customer-profile.js';

/** The customer every profile event built here belongs to. */
export const PROFILE_CUSTOMER_ID = 'c-1';

/** One event of the customer as the profile fold reads it: type, data, when and through which channel. */
export const aProfileEvent = (type: string, data: object, at: string, channel = 'web'): ProfileEvent => ({
  type,
  data: { customerId: PROFILE_CUSTOMER_ID, ...data },
  metadata: { occurredAt: at, channel },
});

export interface PurchasedLine {
  sku: string;
  category: string;
  quantity: number;
  unitPrice: number;
  unitCost?: number;
}

/** An order in the store, one line of sku A for `amount` (50) unless `lines` are given. */
export const purchaseMade = (
  at: string,
  {
    amount = 50,
    lines = [{ sku: 'A', category: 'x', quantity: 1, unitPrice: amount }],
    channel = 'store',
    currency = 'EUR',
  }: { amount?: number; lines?: PurchasedLine[]; channel?: string; currency?: string } = {},
) => aProfileEvent('PurchaseMade', { orderId: `o-${at}`, currency, lines }, at, channel);

export const purchaseReturned = (at: string, quantity: number) =>
  aProfileEvent('PurchaseReturned', { orderId: 'o', lines: [{ sku: 'A', quantity }], reason: 'size' }, at, 'store');

export const pageViewed = (at: string, channel = 'web') =>
  aProfileEvent('PageViewed', { url: '/', sessionId: 's' }, at, channel);

export const emailSent = (at: string) => aProfileEvent('EmailSent', { campaignId: 'c' }, at, 'email');

export const surveyAnswered = (at: string, nps: number) =>
  aProfileEvent('SurveyAnswered', { surveyId: `s-${at}`, nps }, at, 'email');

export const complaintOpened = (at: string, caseId: string, severity = 'medium') =>
  aProfileEvent('ComplaintOpened', { caseId, category: 'delivery', severity, text: '' }, at, 'call-center');

export const complaintResolved = (at: string, caseId: string, satisfied?: boolean) =>
  aProfileEvent('ComplaintResolved', { caseId, resolution: 'refund', satisfied }, at, 'call-center');

/** The profile of the customer after `events`, folded from an empty one. */
export const profileOf = (events: ProfileEvent[]) =>
  foldCustomerProfile(emptyCustomerProfile(PROFILE_CUSTOMER_ID), events);

/** The customer of the worked example in docs/scoring.md. */
export function lucia(): ProfileEvent[] {
  const order = (at: string, channel: string) =>
    aProfileEvent(
      'PurchaseMade',
      {
        orderId: `o-${at.slice(0, 10)}`,
        currency: 'EUR',
        lines: [
          { sku: 'RUN-1', category: 'shoes', quantity: 2, unitPrice: 45, unitCost: 25 },
          { sku: 'SOCK-1', category: 'socks', quantity: 1, unitPrice: 30 },
        ],
      },
      at,
      channel,
    );
  return [
    aProfileEvent('CustomerRegistered', { name: 'Lucía' }, '2025-07-01T09:00:00.000Z', 'web'),
    order('2025-07-05T10:00:00.000Z', 'store'),
    order('2025-09-03T10:00:00.000Z', 'web'),
    order('2025-11-02T10:00:00.000Z', 'store'),
    order('2026-01-01T10:00:00.000Z', 'web'),
    order('2026-03-02T10:00:00.000Z', 'store'),
    order('2026-05-01T10:00:00.000Z', 'web'),
    purchaseReturned('2026-05-04T10:00:00.000Z', 1),
    surveyAnswered('2025-10-01T10:00:00.000Z', 6),
    surveyAnswered('2026-03-15T10:00:00.000Z', 8),
    complaintOpened('2026-02-01T10:00:00.000Z', 'case-7'),
    complaintResolved('2026-02-03T10:00:00.000Z', 'case-7', true),
    aProfileEvent('EmailOpened', { campaignId: 'spring' }, '2026-04-10T10:00:00.000Z', 'email'),
    aProfileEvent('EmailOpened', { campaignId: 'summer' }, '2026-06-10T10:00:00.000Z', 'email'),
    pageViewed('2026-06-20T10:00:00.000Z', 'mobile-app'),
  ];
}

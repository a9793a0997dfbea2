import type { TouchpointEvent } from './customer-events.js';
import { summarise, toTimelineEntry } from './timeline-entry.js';
import type { Channel } from './touchpoint.js';

type EventOf<T extends TouchpointEvent['type']> = Extract<TouchpointEvent, { type: T }>;
type DataOf<T extends TouchpointEvent['type']> = Omit<EventOf<T>['data'], 'customerId'>;

/** A stored touchpoint event of customer c-42; pass `null` as channel for an event recorded without one. */
function anEvent<T extends TouchpointEvent['type']>(
  type: T,
  data: DataOf<T>,
  channel: Channel | null = 'web',
): EventOf<T> {
  const metadata = { occurredAt: '2026-11-06T11:00:00.000Z', touchpointId: 'tp-1', schemaVersion: 1 };
  const event = {
    type,
    data: { customerId: 'c-42', ...data },
    metadata: channel === null ? metadata : { ...metadata, channel },
  };
  return event as unknown as EventOf<T>;
}

describe('summarise', () => {
  it('given a purchase of 2 × 10.5 and 1 × 3, when summarised, then it shows 3 items and 24.00 EUR', () => {
    const summary = summarise(
      anEvent('PurchaseMade', {
        orderId: 'o-1',
        currency: 'EUR',
        lines: [
          { sku: 'A', category: 'food', quantity: 2, unitPrice: 10.5 },
          { sku: 'B', category: 'food', quantity: 1, unitPrice: 3 },
        ],
      }),
    );
    expect(summary).toContain('o-1');
    expect(summary).toContain('3 item(s)');
    expect(summary).toContain('24.00 EUR');
    expect(summary).toBe('Purchase o-1: 3 item(s), 24.00 EUR');
  });

  it('given a purchase priced in cents that do not add up exactly in binary, when summarised, then the total is rounded to 2 decimals', () => {
    const summary = summarise(
      anEvent('PurchaseMade', {
        orderId: 'o-2',
        currency: 'USD',
        lines: [{ sku: 'A', category: 'x', quantity: 3, unitPrice: 0.1 }],
      }),
    );
    expect(summary).toBe('Purchase o-2: 3 item(s), 0.30 USD');
  });

  it('given a resolved complaint the customer was not satisfied with, when summarised, then it says so', () => {
    const summary = summarise(
      anEvent('ComplaintResolved', { caseId: 'case-1', resolution: 'refund', satisfied: false }),
    );
    expect(summary).toBe('Complaint case-1 resolved, customer not satisfied');
  });

  it('given a resolved complaint with no satisfaction answer, when summarised, then it does not claim dissatisfaction', () => {
    const summary = summarise(anEvent('ComplaintResolved', { caseId: 'case-1', resolution: 'refund' }));
    expect(summary).toBe('Complaint case-1 resolved');
  });

  it('given a resolved complaint with a satisfied customer, when summarised, then it does not claim dissatisfaction', () => {
    const summary = summarise(
      anEvent('ComplaintResolved', { caseId: 'case-1', resolution: 'refund', satisfied: true }),
    );
    expect(summary).not.toContain('not satisfied');
  });

  it('given a consent granted, when summarised, then it names purpose, channel and "granted"', () => {
    const summary = summarise(anEvent('ConsentChanged', { purpose: 'marketing', channel: 'email', granted: true }));
    expect(summary).toBe('Consent for marketing by email granted');
  });

  it('given a consent withdrawn, when summarised, then it says "withdrawn"', () => {
    const summary = summarise(anEvent('ConsentChanged', { purpose: 'profiling', channel: 'sms', granted: false }));
    expect(summary).toBe('Consent for profiling by sms withdrawn');
  });

  it('given a page view of a product, when summarised, then it names the product', () => {
    const summary = summarise(anEvent('PageViewed', { url: '/p/SKU-2', sessionId: 's-1', productSku: 'SKU-2' }));
    expect(summary).toBe('Viewed product SKU-2');
  });

  it('given a page view without a product, when summarised, then it is a plain page view', () => {
    const summary = summarise(anEvent('PageViewed', { url: '/help', sessionId: 's-1' }));
    expect(summary).toBe('Viewed a page');
  });

  it('given an opened complaint, when summarised, then it shows case, category and severity', () => {
    const summary = summarise(
      anEvent('ComplaintOpened', { caseId: 'case-9', category: 'delivery', severity: 'critical', text: 'late' }),
    );
    expect(summary).toBe('Complaint case-9 opened (delivery, critical)');
  });

  it('given a survey answer, when summarised, then it shows the NPS', () => {
    expect(summarise(anEvent('SurveyAnswered', { surveyId: 'nps-q4', nps: 9 }))).toBe('Survey nps-q4 answered: NPS 9');
  });
});

describe('toTimelineEntry', () => {
  it('given a PurchaseMade event, when mapped, then its type is the touchpoint name "purchase"', () => {
    const event = anEvent('PurchaseMade', {
      orderId: 'o-1',
      currency: 'EUR',
      lines: [{ sku: 'A', category: 'food', quantity: 1, unitPrice: 5 }],
    });
    expect(toTimelineEntry('e-1', event).type).toBe('purchase');
  });

  it('given a ComplaintOpened event, when mapped, then its type is "complaint-opened"', () => {
    const event = anEvent('ComplaintOpened', { caseId: 'c', category: 'x', severity: 'low', text: 't' });
    expect(toTimelineEntry('e-1', event).type).toBe('complaint-opened');
  });

  it('given an event, when mapped, then the entry carries id, customer, time, channel, summary and data', () => {
    const event = anEvent('PageViewed', { url: '/p/SKU-2', sessionId: 's-1', productSku: 'SKU-2' }, 'mobile-app');
    expect(toTimelineEntry('e-1', event)).toEqual({
      eventId: 'e-1',
      customerId: 'c-42',
      occurredAt: '2026-11-06T11:00:00.000Z',
      channel: 'mobile-app',
      type: 'page-view',
      summary: 'Viewed product SKU-2',
      data: { customerId: 'c-42', url: '/p/SKU-2', sessionId: 's-1', productSku: 'SKU-2' },
    });
  });

  it('given an event without a channel, when mapped, then the channel is "unknown"', () => {
    const event = anEvent('ProfileUpdated', { name: 'Ana' }, null);
    expect(toTimelineEntry('e-1', event).channel).toBe('unknown');
  });
});

import { CURRENT_SCHEMA_VERSION } from './customer-events.js';
import { eventIdForTouchpoint } from './customer-identity.js';
import { decideRecordTouchpoint } from './record-touchpoint.decision.js';
import type { Touchpoint, TouchpointType } from './touchpoint.js';

function aPurchase(overrides: Partial<Touchpoint<'purchase'>> = {}): Touchpoint<'purchase'> {
  return {
    touchpointId: 'pos-000123',
    channel: 'store',
    type: 'purchase',
    occurredAt: '2026-11-06T12:00:00+01:00',
    customer: { customerId: 'c-42' },
    data: {
      orderId: 'o-1',
      currency: 'EUR',
      lines: [{ sku: 'SKU-1', category: 'shoes', quantity: 1, unitPrice: 59.9 }],
    },
    ...overrides,
  };
}

function aComplaint(): Touchpoint<'complaint-opened'> {
  return {
    touchpointId: 'cc-77',
    channel: 'call-center',
    type: 'complaint-opened',
    occurredAt: '2026-11-06T09:00:00Z',
    customer: { customerId: 'c-42' },
    data: { caseId: 'case-1', category: 'delivery', severity: 'high', text: 'Parcel never arrived' },
  };
}

describe('decideRecordTouchpoint', () => {
  it('given a touchpoint resolved to customer c-42, when decided, then the event goes to stream customer-c-42', () => {
    const decision = decideRecordTouchpoint(aPurchase(), 'c-42');
    expect(decision.customerId).toBe('c-42');
    expect(decision.streamId).toBe('customer-c-42');
  });

  it.each<[TouchpointType, string]>([
    ['purchase', 'PurchaseMade'],
    ['return', 'PurchaseReturned'],
    ['complaint-opened', 'ComplaintOpened'],
    ['page-view', 'PageViewed'],
    ['consent-changed', 'ConsentChanged'],
  ])('given a %p touchpoint, when decided, then the event type is %p', (type, eventType) => {
    const touchpoint = { ...aPurchase(), type } as Touchpoint;
    expect(decideRecordTouchpoint(touchpoint, 'c-42').event.type).toBe(eventType);
  });

  it('given a purchase, when decided, then the event data is the customerId plus the touchpoint data', () => {
    const touchpoint = aPurchase();
    expect(decideRecordTouchpoint(touchpoint, 'c-42').event.data).toEqual({ customerId: 'c-42', ...touchpoint.data });
  });

  it('given a complaint, when decided, then the event is a ComplaintOpened carrying the complaint fields', () => {
    const { event } = decideRecordTouchpoint(aComplaint(), 'c-42');
    expect(event.type).toBe('ComplaintOpened');
    expect(event.data).toEqual({
      customerId: 'c-42',
      caseId: 'case-1',
      category: 'delivery',
      severity: 'high',
      text: 'Parcel never arrived',
    });
  });

  it('given a touchpoint, when decided, then the metadata carries touchpoint id, channel and schema version 1', () => {
    const { metadata } = decideRecordTouchpoint(aPurchase(), 'c-42').event;
    expect(metadata.touchpointId).toBe('pos-000123');
    expect(metadata.channel).toBe('store');
    expect(metadata.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
  });

  it('given an occurredAt with a +01:00 offset, when decided, then it is stored as UTC ISO', () => {
    const { metadata } = decideRecordTouchpoint(aPurchase({ occurredAt: '2026-11-06T12:00:00+01:00' }), 'c-42').event;
    expect(metadata.occurredAt).toBe('2026-11-06T11:00:00.000Z');
  });

  it('given an occurredAt already in UTC, when decided, then it gains milliseconds only', () => {
    const { metadata } = decideRecordTouchpoint(aPurchase({ occurredAt: '2026-11-06T11:00:00Z' }), 'c-42').event;
    expect(metadata.occurredAt).toBe('2026-11-06T11:00:00.000Z');
  });

  it('given no correlationId, when decided, then the correlationId defaults to the touchpoint id', () => {
    expect(decideRecordTouchpoint(aPurchase(), 'c-42').event.metadata.correlationId).toBe('pos-000123');
  });

  it('given a correlationId, causationId and actor, when decided, then they are kept in the metadata', () => {
    const { metadata } = decideRecordTouchpoint(
      aPurchase({ correlationId: 'corr-1', causationId: 'cause-1', actor: { kind: 'agent', id: 'agent-7' } }),
      'c-42',
    ).event;
    expect(metadata.correlationId).toBe('corr-1');
    expect(metadata.causationId).toBe('cause-1');
    expect(metadata.actor).toEqual({ kind: 'agent', id: 'agent-7' });
  });

  it('given a touchpoint, when decided, then the event id derives from the touchpoint id', () => {
    expect(decideRecordTouchpoint(aPurchase(), 'c-42').eventId).toBe(eventIdForTouchpoint('pos-000123'));
  });

  it('given the same touchpoint redelivered, when decided twice, then both decisions are equal', () => {
    expect(decideRecordTouchpoint(aPurchase(), 'c-42')).toEqual(decideRecordTouchpoint(aPurchase(), 'c-42'));
  });

  it('given two touchpoints with different ids, when decided, then their event ids differ', () => {
    const first = decideRecordTouchpoint(aPurchase({ touchpointId: 'pos-1' }), 'c-42');
    const second = decideRecordTouchpoint(aPurchase({ touchpointId: 'pos-2' }), 'c-42');
    expect(first.eventId).not.toBe(second.eventId);
  });
});

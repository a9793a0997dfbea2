import { CURRENT_SCHEMA_VERSION } from './customer-events.js';
import { upcast } from './upcasting.js';

describe('upcast', () => {
  it('given a version 1 purchase with a single amount, then it becomes a purchase with one line', () => {
    const v1 = {
      type: 'PurchaseMade',
      data: { customerId: 'c-1', orderId: 'o-1', currency: 'EUR', amount: 42.5 },
      metadata: { occurredAt: '2019-03-01T10:00:00.000Z', schemaVersion: 1 },
    };
    expect(upcast(v1)).toEqual({
      type: 'PurchaseMade',
      data: {
        customerId: 'c-1',
        orderId: 'o-1',
        currency: 'EUR',
        lines: [{ sku: 'unspecified', category: 'unspecified', quantity: 1, unitPrice: 42.5 }],
      },
      metadata: { occurredAt: '2019-03-01T10:00:00.000Z', schemaVersion: CURRENT_SCHEMA_VERSION, upcastFrom: 1 },
    });
    expect(v1.data).toHaveProperty('amount', 42.5);
  });

  it('given a version 1 purchase that already has lines, then its data is kept', () => {
    const lines = [{ sku: 'A', category: 'c', quantity: 2, unitPrice: 3 }];
    const event = {
      type: 'PurchaseMade',
      data: { orderId: 'o', currency: 'EUR', lines },
      metadata: { schemaVersion: 1 },
    };
    expect(upcast(event).data).toEqual({ orderId: 'o', currency: 'EUR', lines });
  });

  it('given a current event, then it is returned as it is', () => {
    const event = { type: 'CallHandled', data: { reason: 'x' }, metadata: { schemaVersion: CURRENT_SCHEMA_VERSION } };
    expect(upcast(event)).toBe(event);
  });

  it('given an old event of a type without a step, then only its version moves', () => {
    const event = { type: 'CallHandled', data: { reason: 'x' }, metadata: { schemaVersion: 1 } };
    expect(upcast(event)).toEqual({ ...event, metadata: { schemaVersion: CURRENT_SCHEMA_VERSION, upcastFrom: 1 } });
  });
});

import type { RecordedEvent } from '@c360/event-store';
import fc from 'fast-check';
import {
  affinity,
  countChanges,
  crossSellReason,
  foldCrossSellBatch,
  type OwnershipTransition,
} from './cross-sell.affinity.js';

let sequence = 0;

function recorded(type: string, data: object, occurredAt = '2026-11-01T10:00:00.000Z'): RecordedEvent {
  sequence++;
  const eventId = `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`;
  const recordedAt = '2026-11-10T00:00:00.000Z';
  return {
    eventId,
    type,
    data,
    metadata: { occurredAt, channel: 'store', eventId, recordedAt },
    streamId: `customer-${(data as { customerId: string }).customerId}`,
    streamRevision: sequence,
    position: String(sequence),
    recordedAt,
  };
}

const purchase = (customerId: string, lines: { sku: string; category: string; quantity: number }[]) =>
  recorded('PurchaseMade', {
    customerId,
    orderId: `o-${sequence}`,
    currency: 'EUR',
    lines: lines.map((l) => ({ ...l, unitPrice: 10 })),
  });
const giveBack = (customerId: string, lines: { sku: string; quantity: number }[]) =>
  recorded('PurchaseReturned', { customerId, orderId: `o-${sequence}`, lines, reason: 'too small' });
const consent = (customerId: string, granted: boolean, occurredAt: string, purpose = 'marketing', channel = 'email') =>
  recorded('ConsentChanged', { customerId, purpose, channel, granted }, occurredAt);

describe('foldCrossSellBatch', () => {
  it('given purchases and returns, when folded, then each customer and sku has its net quantity', () => {
    const batch = foldCrossSellBatch([
      purchase('c-1', [
        { sku: 'A', category: 'shoes', quantity: 2 },
        { sku: 'B', category: 'socks', quantity: 1 },
      ]),
      giveBack('c-1', [{ sku: 'A', quantity: 1 }]),
      purchase('c-2', [{ sku: 'A', category: 'shoes', quantity: 1 }]),
      giveBack('c-2', [{ sku: 'C', quantity: 1 }]),
    ]);
    expect(batch.holdings).toEqual([
      { customerId: 'c-1', sku: 'A', quantity: 1, category: 'shoes' },
      { customerId: 'c-1', sku: 'B', quantity: 1, category: 'socks' },
      { customerId: 'c-2', sku: 'A', quantity: 1, category: 'shoes' },
      { customerId: 'c-2', sku: 'C', quantity: -1, category: null },
    ]);
  });

  it('given a sku bought under two categories, when folded, then the later purchase names its category', () => {
    const batch = foldCrossSellBatch([
      purchase('c-1', [{ sku: 'A', category: 'shoes', quantity: 1 }]),
      purchase('c-1', [{ sku: 'A', category: 'footwear', quantity: 1 }]),
    ]);
    expect(batch.holdings).toEqual([{ customerId: 'c-1', sku: 'A', quantity: 2, category: 'footwear' }]);
    expect(batch.categories).toEqual([{ sku: 'A', category: 'footwear' }]);
  });

  it('given marketing consents out of order, when folded, then the latest by occurredAt wins whatever the channel', () => {
    const batch = foldCrossSellBatch([
      consent('c-1', false, '2026-11-03T00:00:00.000Z', 'marketing', 'sms'),
      consent('c-1', true, '2026-11-02T00:00:00.000Z', 'marketing', 'any'),
      consent('c-2', true, '2026-11-01T00:00:00.000Z'),
      consent('c-2', false, '2026-11-01T00:00:00.000Z'),
    ]);
    expect(batch.consents).toEqual([
      { customerId: 'c-1', granted: false, occurredAt: '2026-11-03T00:00:00.000Z' },
      // a tie goes to the later event in the log
      { customerId: 'c-2', granted: false, occurredAt: '2026-11-01T00:00:00.000Z' },
    ]);
  });

  it('given profiling consent and other touchpoints, when folded, then they are ignored', () => {
    const batch = foldCrossSellBatch([
      consent('c-1', true, '2026-11-03T00:00:00.000Z', 'profiling'),
      recorded('CallHandled', { customerId: 'c-1', reason: 'x', durationSeconds: 1, outcome: 'ok' }),
      recorded('PageViewed', { customerId: 'c-1', url: '/p/A', sessionId: 's', productSku: 'A' }),
    ]);
    expect(batch).toEqual({ holdings: [], categories: [], consents: [] });
  });
});

const gained = (customerId: string, sku: string): OwnershipTransition => ({ customerId, sku, owned: true });
const lost = (customerId: string, sku: string): OwnershipTransition => ({ customerId, sku, owned: false });
const owns = (customerId: string, ...skus: string[]) => skus.map((sku) => ({ customerId, sku }));
const sorted = <T extends { sku: string }>(rows: T[]) =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('countChanges', () => {
  it('given a first product, when counted, then it gains an owner and the customer counts, with no pair', () => {
    expect(countChanges([gained('c-1', 'A')], owns('c-1', 'A'))).toEqual({
      owners: [{ sku: 'A', delta: 1 }],
      pairs: [],
      customers: 1,
    });
  });

  it('given a second product, when counted, then both orders of the pair gain a co-owner', () => {
    const changes = countChanges([gained('c-1', 'B')], owns('c-1', 'A', 'B'));
    expect(changes.owners).toEqual([{ sku: 'B', delta: 1 }]);
    expect(sorted(changes.pairs)).toEqual(
      sorted([
        { sku: 'B', otherSku: 'A', delta: 1 },
        { sku: 'A', otherSku: 'B', delta: 1 },
      ]),
    );
    expect(changes.customers).toBe(0);
  });

  it('given the last product returned, when counted, then the customer no longer counts', () => {
    expect(countChanges([lost('c-1', 'A')], [])).toEqual({
      owners: [{ sku: 'A', delta: -1 }],
      pairs: [],
      customers: -1,
    });
  });

  it('given one product swapped for another beside a kept one, when counted, then pairs move from one to the other', () => {
    const changes = countChanges([lost('c-1', 'B'), gained('c-1', 'C')], owns('c-1', 'A', 'C'));
    expect(sorted(changes.owners)).toEqual(
      sorted([
        { sku: 'B', delta: -1 },
        { sku: 'C', delta: 1 },
      ]),
    );
    expect(sorted(changes.pairs)).toEqual(
      sorted([
        { sku: 'A', otherSku: 'B', delta: -1 },
        { sku: 'B', otherSku: 'A', delta: -1 },
        { sku: 'A', otherSku: 'C', delta: 1 },
        { sku: 'C', otherSku: 'A', delta: 1 },
      ]),
    );
    expect(changes.customers).toBe(0);
  });

  it('given any owned sets before and after, when counted, then the changes equal recounting from scratch', () => {
    const skus = ['A', 'B', 'C', 'D', 'E'];
    const ownedSet = fc.subarray(skus);
    fc.assert(
      fc.property(fc.array(fc.tuple(ownedSet, ownedSet), { minLength: 1, maxLength: 6 }), (customers) => {
        const recount = (sets: string[][]) => {
          const counts = new Map<string, number>();
          const bump = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
          for (const set of sets) {
            if (set.length > 0) bump('customers');
            for (const x of set) {
              bump(`owners ${x}`);
              for (const y of set) if (x !== y) bump(`pair ${x} ${y}`);
            }
          }
          return counts;
        };
        const transitions: OwnershipTransition[] = [];
        const ownedAfter: { customerId: string; sku: string }[] = [];
        customers.forEach(([before, after], i) => {
          const id = `c-${i}`;
          for (const sku of after) if (!before.includes(sku)) transitions.push(gained(id, sku));
          for (const sku of before) if (!after.includes(sku)) transitions.push(lost(id, sku));
          ownedAfter.push(...owns(id, ...after));
        });
        const changes = countChanges(transitions, ownedAfter);

        const expected = recount(customers.map(([, after]) => after));
        const applied = recount(customers.map(([before]) => before));
        const apply = (key: string, delta: number) => applied.set(key, (applied.get(key) ?? 0) + delta);
        apply('customers', changes.customers);
        for (const { sku, delta } of changes.owners) apply(`owners ${sku}`, delta);
        for (const { sku, otherSku, delta } of changes.pairs) apply(`pair ${sku} ${otherSku}`, delta);
        const nonZero = (m: Map<string, number>) => new Map([...m].filter(([, n]) => n !== 0));
        expect(nonZero(applied)).toEqual(nonZero(expected));
      }),
    );
  });
});

describe('affinity', () => {
  it('given 3 co-owners of x (4 owners) and y (3 owners) among 6 customers, when computed, then support .5, confidence .75, lift 1.5', () => {
    expect(affinity({ coOwners: 3, ownersOfX: 4, ownersOfY: 3, customers: 6 })).toEqual({
      support: 0.5,
      confidence: 0.75,
      lift: 1.5,
    });
  });

  it('given y as common among owners of x as among all, when computed, then lift is 1', () => {
    expect(affinity({ coOwners: 5, ownersOfX: 10, ownersOfY: 50, customers: 100 }).lift).toBe(1);
  });

  it('given a lift, when explained, then the reason names both products and the lift to one decimal', () => {
    expect(crossSellReason('A', 'B', 4.1666)).toBe('owners of A buy B 4.2× more often than average');
  });
});

import type { RecordedEvent } from '@c360/event-store';
import { countTouchpoints } from './touchpoint-counts.projection.js';

let sequence = 0;

/** A stored event as the event store hands it to projections. */
function recorded(type: string, customerId: string, channel: string | undefined, occurredAt: string): RecordedEvent {
  sequence++;
  const eventId = `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`;
  const recordedAt = '2026-11-10T00:00:00.000Z';
  return {
    eventId,
    type,
    data: { customerId, orderId: `o-${sequence}` },
    metadata: { occurredAt, channel, eventId, recordedAt },
    streamId: `customer-${customerId}`,
    streamRevision: sequence,
    position: String(sequence),
    recordedAt,
  };
}

describe('countTouchpoints', () => {
  it('given no events, when counted, then there are no rows', () => {
    expect(countTouchpoints([])).toEqual([]);
  });

  it('given one purchase, when counted, then one row counts it once with first and last at its time', () => {
    expect(countTouchpoints([recorded('PurchaseMade', 'c-1', 'store', '2026-11-01T10:00:00.000Z')])).toEqual([
      {
        customerId: 'c-1',
        channel: 'store',
        type: 'purchase',
        count: 1,
        firstAt: '2026-11-01T10:00:00.000Z',
        lastAt: '2026-11-01T10:00:00.000Z',
      },
    ]);
  });

  it('given three purchases of one customer in one channel out of order, when counted, then one row spans min to max', () => {
    const rows = countTouchpoints([
      recorded('PurchaseMade', 'c-1', 'store', '2026-11-02T10:00:00.000Z'),
      recorded('PurchaseMade', 'c-1', 'store', '2026-11-03T10:00:00.000Z'),
      recorded('PurchaseMade', 'c-1', 'store', '2026-11-01T10:00:00.000Z'),
    ]);
    expect(rows).toEqual([
      {
        customerId: 'c-1',
        channel: 'store',
        type: 'purchase',
        count: 3,
        firstAt: '2026-11-01T10:00:00.000Z',
        lastAt: '2026-11-03T10:00:00.000Z',
      },
    ]);
  });

  it('given events differing by customer, channel or type, when counted, then each combination is its own row', () => {
    const rows = countTouchpoints([
      recorded('PurchaseMade', 'c-1', 'store', '2026-11-01T10:00:00.000Z'),
      recorded('PurchaseMade', 'c-2', 'store', '2026-11-01T10:00:00.000Z'),
      recorded('PurchaseMade', 'c-1', 'web', '2026-11-01T10:00:00.000Z'),
      recorded('CallHandled', 'c-1', 'store', '2026-11-01T10:00:00.000Z'),
      recorded('PurchaseMade', 'c-1', 'store', '2026-11-01T11:00:00.000Z'),
    ]);
    const counts = rows.map((r) => `${r.customerId}/${r.channel}/${r.type}=${r.count}`).sort();
    expect(counts).toEqual(['c-1/store/call=1', 'c-1/store/purchase=2', 'c-1/web/purchase=1', 'c-2/store/purchase=1']);
  });

  it('given events of types that are not touchpoints, when counted, then they are ignored', () => {
    const rows = countTouchpoints([
      recorded('CustomersMerged', 'c-1', 'store', '2026-11-01T10:00:00.000Z'),
      recorded('IdentityLinked', 'c-1', 'store', '2026-11-01T10:00:00.000Z'),
      recorded('PurchaseMade', 'c-1', 'store', '2026-11-02T10:00:00.000Z'),
      recorded('purchase', 'c-1', 'store', '2026-11-03T10:00:00.000Z'),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'purchase', count: 1, lastAt: '2026-11-02T10:00:00.000Z' });
  });

  it('given an event without a channel, when counted, then its channel is "unknown"', () => {
    const rows = countTouchpoints([recorded('ComplaintOpened', 'c-1', undefined, '2026-11-01T10:00:00.000Z')]);
    expect(rows).toEqual([expect.objectContaining({ channel: 'unknown', type: 'complaint-opened', count: 1 })]);
  });
});

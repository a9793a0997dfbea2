import fc from 'fast-check';
import { NO_STREAM, STREAM_EXISTS, WrongExpectedVersionError, type ResolvedEvent } from '@eventstore/db-client';
import { InvalidPosition, StreamRevisionConflict } from '../event-store.errors.js';
import { START } from '../event-store.port.js';
import {
  InvalidEventId,
  comparePositions,
  formatPosition,
  fromWrongExpectedVersion,
  isAfter,
  isSystemEvent,
  parsePosition,
  satisfies,
  toEventData,
  toRecordedEvent,
} from './eventstoredb-event.mapping.js';

const EVENT_ID = '3f0c1a52-9a7e-5b8e-a1d4-6b2f0e7c9d11';
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

function stored(overrides: Partial<NonNullable<ResolvedEvent['event']>> = {}): ResolvedEvent {
  return {
    event: {
      streamId: 'customer-42',
      id: EVENT_ID,
      isJson: true,
      revision: 7n,
      type: 'CallHandled',
      created: new Date('2026-11-01T10:00:01.234Z'),
      data: { reason: 'delivery', durationSeconds: 240 },
      metadata: { touchpointId: 'cc-1', channel: 'call-center', schemaVersion: 2 },
      position: { commit: 18446744073709551000n, prepare: 18446744073709551000n },
      ...overrides,
    } as NonNullable<ResolvedEvent['event']>,
  };
}

describe('EventStoreDB mapping: positions', () => {
  it('round-trips any commit/prepare pair through the port position without loss, beyond 2^53', () => {
    fc.assert(
      fc.property(uint64, uint64, (commit, prepare) => {
        expect(parsePosition(formatPosition({ commit, prepare }))).toEqual({ commit, prepare });
      }),
    );
    expect(formatPosition({ commit: 2n ** 63n + 1n, prepare: 5n })).toBe('C:9223372036854775809/P:5');
  });

  it('reads the start of the log as no position, and rejects another adapter’s position', () => {
    expect(parsePosition(START)).toBeUndefined();
    expect(() => parsePosition('1234/5')).toThrow(InvalidPosition); // a PostgreSQL position
    expect(() => parsePosition('C:-1/P:0')).toThrow(InvalidPosition);
  });

  it('orders positions by commit, then prepare, as the formatted strings never could', () => {
    fc.assert(
      fc.property(uint64, uint64, uint64, uint64, (c1, p1, c2, p2) => {
        const expected = c1 !== c2 ? (c1 < c2 ? -1 : 1) : p1 === p2 ? 0 : p1 < p2 ? -1 : 1;
        expect(comparePositions({ commit: c1, prepare: p1 }, { commit: c2, prepare: p2 })).toBe(expected);
      }),
    );
    expect(isAfter({ commit: 10n, prepare: 10n }, { commit: 9n, prepare: 99n })).toBe(true);
    expect(isAfter({ commit: 10n, prepare: 10n }, { commit: 10n, prepare: 10n })).toBe(false);
    expect(isAfter({ commit: 0n, prepare: 0n }, undefined)).toBe(true);
  });
});

describe('EventStoreDB mapping: events', () => {
  it('writes the same id, type, JSON data and metadata, leaving eventId to EventStoreDB', () => {
    const data = toEventData(
      {
        type: 'PurchaseMade',
        data: { orderId: 'o-1', lines: [{ sku: 'A', quantity: 2, unitPrice: 9.5 }] },
        metadata: { touchpointId: 'pos-1', channel: 'store', schemaVersion: 3, eventId: 'ignored' },
      },
      EVENT_ID.toUpperCase(),
    );
    expect(data).toEqual({
      id: EVENT_ID,
      contentType: 'application/json',
      type: 'PurchaseMade',
      data: { orderId: 'o-1', lines: [{ sku: 'A', quantity: 2, unitPrice: 9.5 }] },
      metadata: { touchpointId: 'pos-1', channel: 'store', schemaVersion: 3 },
    });
  });

  it('refuses an event id that is not a UUID, since EventStoreDB could not store it', () => {
    expect(() => toEventData({ type: 'T', data: {}, metadata: {} }, 'pos-000123')).toThrow(InvalidEventId);
  });

  it('reads a stored event back as the port’s recorded event, metadata plus eventId and recordedAt', () => {
    expect(toRecordedEvent(stored())).toEqual({
      eventId: EVENT_ID,
      type: 'CallHandled',
      data: { reason: 'delivery', durationSeconds: 240 },
      metadata: {
        touchpointId: 'cc-1',
        channel: 'call-center',
        schemaVersion: 2,
        eventId: EVENT_ID,
        recordedAt: '2026-11-01T10:00:01.234Z',
      },
      streamId: 'customer-42',
      streamRevision: 7,
      position: 'C:18446744073709551000/P:18446744073709551000',
      recordedAt: '2026-11-01T10:00:01.234Z',
    });
  });

  it('keeps the recordedAt of an event copied from another store', () => {
    const copied = toRecordedEvent(stored({ metadata: { channel: 'web', recordedAt: '2025-01-02T03:04:05.000Z' } }));
    expect(copied.recordedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(copied.metadata.recordedAt).toBe('2025-01-02T03:04:05.000Z');
  });

  it('decodes data and metadata that arrive as bytes', () => {
    const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const event = toRecordedEvent(
      stored({ isJson: false, data: bytes({ n: 1 }), metadata: bytes({ channel: 'web' }) } as never),
    );
    expect(event.data).toEqual({ n: 1 });
    expect(event.metadata).toMatchObject({ channel: 'web', eventId: EVENT_ID });
  });

  it('refuses an event without its $all position rather than inventing one', () => {
    expect(() => toRecordedEvent(stored({ position: undefined }))).toThrow(/without its \$all position/);
  });

  it('tells EventStoreDB’s own events from ours', () => {
    expect(isSystemEvent(stored())).toBe(false);
    expect(isSystemEvent(stored({ type: '$metadata' }))).toBe(true);
    expect(isSystemEvent(stored({ streamId: '$ce-customer' }))).toBe(true);
    expect(isSystemEvent({})).toBe(true);
  });
});

describe('EventStoreDB mapping: expected revisions and conflicts', () => {
  it('decides whether a stream at a revision satisfies an expectation', () => {
    expect(satisfies('any', -1)).toBe(true);
    expect(satisfies('no_stream', -1)).toBe(true);
    expect(satisfies('no_stream', 0)).toBe(false);
    expect(satisfies('stream_exists', -1)).toBe(false);
    expect(satisfies('stream_exists', 3)).toBe(true);
    expect(satisfies(3, 3)).toBe(true);
    expect(satisfies(3, 4)).toBe(false);
  });

  it('turns the client’s wrong-expected-version error into the port’s typed conflict', () => {
    const atRevision = new WrongExpectedVersionError(undefined, {
      streamName: 'customer-42',
      expected: 1n,
      current: 2n,
    });
    const conflict = fromWrongExpectedVersion(atRevision, 1);
    expect(conflict).toBeInstanceOf(StreamRevisionConflict);
    expect(conflict).toMatchObject({ streamId: 'customer-42', expected: 1, actual: 2 });

    const noStream = new WrongExpectedVersionError(undefined, {
      streamName: 'customer-43',
      expected: STREAM_EXISTS,
      current: NO_STREAM,
    });
    expect(fromWrongExpectedVersion(noStream, 'stream_exists')).toMatchObject({
      streamId: 'customer-43',
      expected: 'stream_exists',
      actual: 'no_stream',
    });
  });
});

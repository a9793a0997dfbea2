import { decodeCursor, encodeCursor, InvalidCursor } from './get-customer-timeline.query.js';

const EVENT_ID = '3f2b8c1e-5d47-5c39-9a0e-2f4f7d0c3601';

describe('timeline cursor', () => {
  it('given a cursor encoded from an item, when decoded, then it gives back its time and event id', () => {
    const cursor = encodeCursor('2026-11-06T11:00:00.000Z', EVENT_ID);
    const decoded = decodeCursor(cursor);
    expect(decoded.occurredAt).toBeInstanceOf(Date);
    expect(decoded.occurredAt.toISOString()).toBe('2026-11-06T11:00:00.000Z');
    expect(decoded.eventId).toBe(EVENT_ID);
  });

  it('given an item, when encoded, then the cursor is URL-safe and shows neither the time nor the id as-is', () => {
    const cursor = encodeCursor('2026-11-06T11:00:00.000Z', EVENT_ID);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(EVENT_ID);
  });

  it('given two different items, when encoded, then the cursors differ', () => {
    expect(encodeCursor('2026-11-06T11:00:00.000Z', EVENT_ID)).not.toBe(
      encodeCursor('2026-11-06T11:00:00.001Z', EVENT_ID),
    );
  });

  it.each([
    ['plain garbage', 'not-a-cursor!!'],
    ['the empty string', ''],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['base64 of JSON null', Buffer.from('null').toString('base64url')],
    ['an invalid date', Buffer.from(JSON.stringify(['someday', EVENT_ID])).toString('base64url')],
    [
      'an event id that is not a uuid',
      Buffer.from(JSON.stringify(['2026-11-06T11:00:00Z', 'e-1'])).toString('base64url'),
    ],
  ])('given %s as cursor, when decoded, then it throws InvalidCursor', (_label, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidCursor);
  });

  it('given a garbage cursor, when decoded, then the error has code INVALID_CURSOR', () => {
    let thrown: unknown;
    try {
      decodeCursor('garbage');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidCursor);
    expect((thrown as InvalidCursor).code).toBe('INVALID_CURSOR');
  });
});

import { Query } from '@nestjs/cqrs';

export interface TimelineFilter {
  customerId: string;
  channels?: string[];
  types?: string[];
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  limit: number;
  cursor?: string;
}

export interface TimelineItem {
  eventId: string;
  occurredAt: string;
  recordedAt: string;
  channel: string;
  type: string;
  summary: string;
  data: unknown;
}

export interface TimelinePage {
  items: TimelineItem[];
  nextCursor: string | null;
}

export class GetCustomerTimelineQuery extends Query<TimelinePage> {
  constructor(readonly filter: TimelineFilter) {
    super();
  }
}

export class InvalidCursor extends Error {
  readonly code = 'INVALID_CURSOR';
  constructor() {
    super('cursor is not one this API returned');
  }
}

/** A cursor is the sort key of the last item served: (occurredAt, eventId), newest first. */
export function encodeCursor(occurredAt: string, eventId: string): string {
  return Buffer.from(JSON.stringify([occurredAt, eventId])).toString('base64url');
}

export function decodeCursor(cursor: string): { occurredAt: Date; eventId: string } {
  try {
    const [occurredAt, eventId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(occurredAt);
    if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(eventId)) throw new InvalidCursor();
    return { occurredAt: date, eventId };
  } catch {
    throw new InvalidCursor();
  }
}

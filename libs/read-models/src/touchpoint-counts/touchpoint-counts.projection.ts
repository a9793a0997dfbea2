import { isTouchpointEventType, TOUCHPOINT_TYPE_OF_EVENT, type TouchpointEvent } from '@c360/domain';
import type { RecordedEvent } from '@c360/event-store';
import type { Projection } from '@c360/projections';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

interface CountRow {
  customerId: string;
  channel: string;
  type: string;
  count: number;
  firstAt: string;
  lastAt: string;
}

/** Pure fold of a batch into per (customer, channel, type) increments. */
export function countTouchpoints(events: RecordedEvent[]): CountRow[] {
  const rows = new Map<string, CountRow>();
  for (const recorded of events) {
    if (!isTouchpointEventType(recorded.type)) continue;
    const event = recorded as unknown as TouchpointEvent;
    const channel = event.metadata.channel ?? 'unknown';
    const type = TOUCHPOINT_TYPE_OF_EVENT[event.type];
    const key = `${event.data.customerId}\u0000${channel}\u0000${type}`;
    const at = event.metadata.occurredAt;
    const row = rows.get(key);
    if (!row) {
      rows.set(key, { customerId: event.data.customerId, channel, type, count: 1, firstAt: at, lastAt: at });
      continue;
    }
    row.count++;
    if (at < row.firstAt) row.firstAt = at;
    if (at > row.lastAt) row.lastAt = at;
  }
  return [...rows.values()];
}

/** Maintains `c360_touchpoint_counts`; an increment applied twice would show, so it proves exactly-once too. */
@Injectable()
export class TouchpointCountsProjection implements Projection {
  readonly name = 'touchpoint-counts';
  readonly tables = ['c360_touchpoint_counts'];

  async apply(events: RecordedEvent[], manager: EntityManager): Promise<void> {
    const rows = countTouchpoints(events);
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO c360_touchpoint_counts AS c (customer_id, channel, type, count, first_at, last_at)
       SELECT r."customerId", r.channel, r.type, r.count, r."firstAt", r."lastAt"
         FROM json_to_recordset($1::json) AS r("customerId" text, channel text, type text, count bigint,
              "firstAt" timestamptz, "lastAt" timestamptz)
       ON CONFLICT (customer_id, channel, type) DO UPDATE
          SET count = c.count + EXCLUDED.count,
              first_at = LEAST(c.first_at, EXCLUDED.first_at),
              last_at = GREATEST(c.last_at, EXCLUDED.last_at)`,
      [JSON.stringify(rows)],
    );
  }
}

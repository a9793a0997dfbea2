import { isTouchpointEventType, toTimelineEntry, type TouchpointEvent } from '@c360/domain';
import type { RecordedEvent } from '@c360/event-store';
import { forgottenIn, ofForgottenCustomer, type Projection } from '@c360/projections';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Maintains `c360_timeline`: every touchpoint of a customer, whatever its channel. */
@Injectable()
export class TimelineProjection implements Projection {
  readonly name = 'timeline';
  readonly tables = ['c360_timeline'];

  async apply(events: RecordedEvent[], manager: EntityManager): Promise<void> {
    const rows = events
      .filter((e) => isTouchpointEventType(e.type) && !ofForgottenCustomer(e))
      .map((e) => {
        const entry = toTimelineEntry(e.eventId, e as unknown as TouchpointEvent);
        return { ...entry, recordedAt: e.recordedAt };
      });
    if (rows.length > 0) await this.insert(rows, manager);
    const forgotten = forgottenIn(events);
    if (forgotten.length > 0) await this.removeCustomers(forgotten, manager);
  }

  async removeCustomers(customerIds: string[], manager: EntityManager): Promise<void> {
    await manager.query('DELETE FROM c360_timeline WHERE customer_id = ANY($1::text[])', [customerIds]);
  }

  private async insert(rows: object[], manager: EntityManager): Promise<void> {
    // the rows as json, not jsonb: PostgreSQL checks json text and reads it row by row, where it would first
    // build the whole batch as one jsonb document (about a third slower for 2,000 rows)
    await manager.query(
      `INSERT INTO c360_timeline (event_id, customer_id, occurred_at, recorded_at, channel, type, summary, data)
       SELECT r."eventId", r."customerId", r."occurredAt", r."recordedAt", r.channel, r.type, r.summary, r.data
         FROM json_to_recordset($1::json) AS r("eventId" uuid, "customerId" text, "occurredAt" timestamptz,
              "recordedAt" timestamptz, channel text, type text, summary text, data jsonb)`,
      [JSON.stringify(rows)],
    );
  }
}

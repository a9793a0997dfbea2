import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { TimelineEntryEntity } from './timeline-entry.entity.js';
import {
  decodeCursor,
  encodeCursor,
  GetCustomerTimelineQuery,
  type TimelinePage,
} from './get-customer-timeline.query.js';

@QueryHandler(GetCustomerTimelineQuery)
export class GetCustomerTimelineHandler implements IQueryHandler<GetCustomerTimelineQuery, TimelinePage> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ filter }: GetCustomerTimelineQuery): Promise<TimelinePage> {
    const query = this.dataSource
      .getRepository(TimelineEntryEntity)
      .createQueryBuilder('t')
      // The customer and every customer merged into it: each keeps its own stream, shown as one.
      .where('t.customer_id IN (SELECT customer_id FROM c360_customers WHERE root_id = :customerId)', {
        customerId: filter.customerId,
      });
    if (filter.channels?.length) query.andWhere('t.channel IN (:...channels)', { channels: filter.channels });
    if (filter.types?.length) query.andWhere('t.type IN (:...types)', { types: filter.types });
    if (filter.from) query.andWhere('t.occurred_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('t.occurred_at < :to', { to: filter.to });
    if (filter.cursor) {
      const after = decodeCursor(filter.cursor);
      query.andWhere('(t.occurred_at, t.event_id) < (:cursorAt, :cursorId)', {
        cursorAt: after.occurredAt,
        cursorId: after.eventId,
      });
    }
    const rows = await query
      .orderBy('t.occurred_at', 'DESC')
      .addOrderBy('t.event_id', 'DESC')
      .limit(filter.limit + 1)
      .getMany();
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        eventId: r.eventId,
        occurredAt: r.occurredAt.toISOString(),
        recordedAt: r.recordedAt.toISOString(),
        channel: r.channel,
        type: r.type,
        summary: r.summary,
        data: r.data,
      })),
      nextCursor: rows.length > filter.limit && last ? encodeCursor(last.occurredAt.toISOString(), last.eventId) : null,
    };
  }
}

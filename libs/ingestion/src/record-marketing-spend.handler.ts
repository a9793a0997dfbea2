import {
  CURRENT_SCHEMA_VERSION,
  eventIdForMarketingSpend,
  marketingSpendStreamId,
  type MarketingSpendRecorded,
} from '@c360/domain';
import { EVENT_STORE, type EventStore } from '@c360/event-store';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RecordMarketingSpendCommand, type RecordedMarketingSpend } from './record-marketing-spend.command.js';

@CommandHandler(RecordMarketingSpendCommand)
export class RecordMarketingSpendHandler implements ICommandHandler<
  RecordMarketingSpendCommand,
  RecordedMarketingSpend
> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ spend, actor }: RecordMarketingSpendCommand): Promise<RecordedMarketingSpend> {
    const event: MarketingSpendRecorded = {
      type: 'MarketingSpendRecorded',
      data: spend,
      // occurred when it became known: an `asOf` before today does not see it, so old reports stay as they were
      metadata: {
        occurredAt: new Date().toISOString(),
        actor,
        correlationId: spend.spendId,
        schemaVersion: CURRENT_SCHEMA_VERSION,
      },
    };
    // the deterministic event id and the store's unique index make a repeated spendId a duplicate, never a second event
    const result = await this.store.append(
      marketingSpendStreamId(spend.spendId),
      [
        {
          eventId: eventIdForMarketingSpend(spend.spendId),
          type: event.type,
          data: event.data,
          metadata: event.metadata,
        },
      ],
      { expectedRevision: 'any' },
    );
    const appended = result.events[0]!;
    return {
      spendId: spend.spendId,
      eventId: appended.eventId,
      position: appended.position,
      duplicate: appended.duplicate,
    };
  }
}

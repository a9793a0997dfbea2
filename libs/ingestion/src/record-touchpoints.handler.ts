import { APP_CONFIG, type AppConfig } from '@c360/config';
import { decideRecordTouchpoint } from '@c360/domain';
import { EVENT_STORE, type EventStore } from '@c360/event-store';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CountryCode } from 'libphonenumber-js';
import { RecordTouchpointsCommand, type RecordedTouchpoint } from './record-touchpoints.command.js';

@CommandHandler(RecordTouchpointsCommand)
export class RecordTouchpointsHandler implements ICommandHandler<RecordTouchpointsCommand, RecordedTouchpoint[]> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ touchpoints }: RecordTouchpointsCommand): Promise<RecordedTouchpoint[]> {
    if (touchpoints.length === 0) return [];
    const decisions = touchpoints.map((t) =>
      decideRecordTouchpoint(t, this.config.DEFAULT_PHONE_COUNTRY as CountryCode),
    );
    const results = await this.store.appendMany(
      decisions.map((d) => ({
        streamId: d.streamId,
        expectedRevision: 'any' as const,
        events: [{ eventId: d.eventId, type: d.event.type, data: d.event.data, metadata: d.event.metadata }],
      })),
    );
    return results.map((result, i) => {
      const appended = result.events[0]!;
      return {
        touchpointId: touchpoints[i]!.touchpointId,
        eventId: appended.eventId,
        customerId: decisions[i]!.customerId,
        position: appended.position,
        duplicate: appended.duplicate,
      };
    });
  }
}

import {
  decideRecordTouchpoint,
  linkEvent,
  mergeEvents,
  type IdentityEventToRecord,
  type Touchpoint,
} from '@c360/domain';
import { EVENT_STORE, type EventStore } from '@c360/event-store';
import { IdentityIndex, toStreamWrites, type ResolvedIdentity } from '@c360/identity';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RecordTouchpointsCommand, type RecordedTouchpoint } from './record-touchpoints.command.js';

const FORGOTTEN = {
  field: 'customer',
  reason: 'the customer it names asked to be forgotten: nothing more is recorded for it',
};

/** What the index learnt from a touchpoint, told as events in the same append as the touchpoint. */
function identityEventsOf(touchpoint: Touchpoint, resolved: ResolvedIdentity): IdentityEventToRecord[] {
  const context = {
    occurredAt: new Date(touchpoint.occurredAt).toISOString(),
    channel: touchpoint.channel,
    actor: touchpoint.actor,
    correlationId: touchpoint.correlationId ?? touchpoint.touchpointId,
    causationId: touchpoint.touchpointId,
  };
  return [
    ...resolved.mergeRecords.flatMap((record) => mergeEvents(record, 'merged', context)),
    ...resolved.newLinks.map((identifier) => linkEvent({ identifier, customerId: resolved.customerId }, context)),
    ...resolved.unrecorded.map((link) => linkEvent(link, context)),
  ];
}

@CommandHandler(RecordTouchpointsCommand)
export class RecordTouchpointsHandler implements ICommandHandler<RecordTouchpointsCommand, RecordedTouchpoint[]> {
  private readonly logger = new Logger('RecordTouchpoints');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly identity: IdentityIndex,
  ) {}

  async execute({ touchpoints: asked }: RecordTouchpointsCommand): Promise<RecordedTouchpoint[]> {
    if (asked.length === 0) return [];
    const identities = await this.identity.resolve(
      asked.map((v) => ({ identifiers: v.identifiers, touchpointId: v.touchpoint.touchpointId })),
    );
    const live = asked.flatMap((v, i) => (identities[i]!.forgotten ? [] : [i]));
    const stored = await this.record(
      live.map((i) => asked[i]!.touchpoint),
      live.map((i) => identities[i]!),
    );
    let next = 0;
    return asked.map((v, i) =>
      identities[i]!.forgotten ? { touchpointId: v.touchpoint.touchpointId, refused: FORGOTTEN } : stored[next++]!,
    );
  }

  private async record(touchpoints: Touchpoint[], resolved: ResolvedIdentity[]): Promise<RecordedTouchpoint[]> {
    if (touchpoints.length === 0) return [];
    const decisions = touchpoints.map((t, i) => decideRecordTouchpoint(t, resolved[i]!.customerId));
    const identityWrites = toStreamWrites(touchpoints.flatMap((t, i) => identityEventsOf(t, resolved[i]!)));
    const results = await this.store.appendMany([
      ...identityWrites,
      ...decisions.map((d) => ({
        streamId: d.streamId,
        expectedRevision: 'any' as const,
        events: [{ eventId: d.eventId, type: d.event.type, data: d.event.data, metadata: d.event.metadata }],
      })),
    ]);
    // Off the answer's path: until it lands, the sweep would only append the same links again, as no-ops.
    if (identityWrites.length > 0) {
      this.identity.markRecorded(resolved).catch((error: Error) => {
        this.logger.warn({ msg: 'could not mark identity links recorded; the sweep will', error: error.message });
      });
    }
    return results.slice(identityWrites.length).map((result, i) => {
      const appended = result.events[0]!;
      return {
        touchpointId: touchpoints[i]!.touchpointId,
        eventId: appended.eventId,
        customerId: resolved[i]!.rootId,
        position: appended.position,
        duplicate: appended.duplicate,
      };
    });
  }
}

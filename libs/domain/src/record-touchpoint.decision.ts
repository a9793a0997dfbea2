import { CURRENT_SCHEMA_VERSION, customerStreamId, type TouchpointEvent } from './customer-events.js';
import { eventIdForTouchpoint } from './customer-identity.js';
import { EVENT_TYPE_OF_TOUCHPOINT, type Touchpoint } from './touchpoint.js';

export interface TouchpointDecision {
  customerId: string;
  streamId: string;
  eventId: string;
  event: TouchpointEvent;
}

/**
 * decide(RecordTouchpoint) → one event in the stream of the customer identity resolution chose,
 * whose id derives from the touchpoint id.
 */
export function decideRecordTouchpoint(touchpoint: Touchpoint, customerId: string): TouchpointDecision {
  const event = {
    type: EVENT_TYPE_OF_TOUCHPOINT[touchpoint.type],
    data: { customerId, ...touchpoint.data },
    metadata: {
      touchpointId: touchpoint.touchpointId,
      channel: touchpoint.channel,
      occurredAt: new Date(touchpoint.occurredAt).toISOString(),
      actor: touchpoint.actor,
      correlationId: touchpoint.correlationId ?? touchpoint.touchpointId,
      causationId: touchpoint.causationId,
      schemaVersion: CURRENT_SCHEMA_VERSION,
    },
  } as TouchpointEvent;
  return {
    customerId,
    streamId: customerStreamId(customerId),
    eventId: eventIdForTouchpoint(touchpoint.touchpointId),
    event,
  };
}

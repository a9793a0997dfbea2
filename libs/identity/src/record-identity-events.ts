import { customerStreamId, type IdentityEventToRecord } from '@c360/domain';
import type { EventStore, StreamWrite } from '@c360/event-store';

/** The stream's current revision; -1 when it has no event yet. */
export async function streamRevision(store: EventStore, streamId: string): Promise<number> {
  const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  return last?.streamRevision ?? -1;
}

/** One write per event, to its own stream, with its deterministic id. */
export function toStreamWrites(events: IdentityEventToRecord[]): StreamWrite[] {
  return events.map((e) => ({
    streamId: e.streamId,
    events: [{ eventId: e.eventId, type: e.event.type, data: e.event.data, metadata: e.event.metadata }],
  }));
}

/** Appends identity events in one atomic write; returns the revision `customerId`'s stream reached. */
export async function appendIdentityEvents(
  store: EventStore,
  events: IdentityEventToRecord[],
  customerId: string,
): Promise<number> {
  const results = await store.appendMany(toStreamWrites(events));
  const own = results.filter((r) => r.streamId === customerStreamId(customerId)).flatMap((r) => r.events);
  return own[own.length - 1]?.streamRevision ?? -1;
}

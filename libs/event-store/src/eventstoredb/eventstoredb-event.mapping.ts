import {
  NO_STREAM,
  jsonEvent,
  type AllStreamResolvedEvent,
  type CurrentRevision,
  type JSONEventData,
  type Position,
  type ResolvedEvent,
  type WrongExpectedVersionError,
} from '@eventstore/db-client';
import { InvalidPosition, StreamRevisionConflict } from '../event-store.errors.js';
import {
  START,
  type ExpectedRevision,
  type GlobalPosition,
  type NewEvent,
  type RecordedEvent,
} from '../event-store.port.js';

// The mapping between the port and EventStoreDB, pure so that it is unit-tested without a server.

/** EventStoreDB's own notation of a `$all` position, commit and prepare as exact decimal integers. */
const POSITION = /^C:(\d+)\/P:(\d+)$/;

export function formatPosition(position: Position): GlobalPosition {
  return `C:${position.commit.toString(10)}/P:${position.prepare.toString(10)}`;
}

/** `undefined` for the start of the log; throws `InvalidPosition` for another adapter's position. */
export function parsePosition(position: GlobalPosition): Position | undefined {
  if (position === START) return undefined;
  const match = POSITION.exec(position);
  if (!match) throw new InvalidPosition(position);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}

/** Order of two positions of `$all`: by commit, then prepare. */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
}

/** True when `position` sorts after `after` (the start of the log when `after` is undefined). */
export function isAfter(position: Position, after: Position | undefined): boolean {
  return after === undefined || comparePositions(position, after) > 0;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class InvalidEventId extends Error {
  readonly code = 'INVALID_EVENT_ID';
  constructor(readonly eventId: string) {
    super(`EventStoreDB needs event ids that are UUIDs (derive them from the touchpointId): ${eventId}`);
  }
}

type StoredMetadata = Record<string, unknown>;

/**
 * The event as EventStoreDB stores it: the same id, type and JSON data, and the metadata as given. `eventId`
 * and `recordedAt` come from EventStoreDB's own id and created time, unless the metadata carries a
 * `recordedAt` of its own (an event copied from another store keeps when it was first recorded).
 */
export function toEventData(event: NewEvent, eventId: string): JSONEventData {
  if (!UUID.test(eventId)) throw new InvalidEventId(eventId);
  const metadata: StoredMetadata = { ...(event.metadata as StoredMetadata) };
  delete metadata.eventId;
  return jsonEvent({
    id: eventId.toLowerCase(),
    type: event.type,
    // Unset data (a fact with no fields) is stored as an empty object: EventStoreDB's JSON events need a body.
    data: (event.data ?? {}) as Record<string, unknown>,
    metadata,
  });
}

/** Events EventStoreDB writes itself (`$`-types, `$`-streams, links) are not ours. */
export function isSystemEvent(resolved: ResolvedEvent): boolean {
  const event = resolved.event;
  return !event || event.streamId.startsWith('$') || event.type.startsWith('$');
}

function decode(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    const text = Buffer.from(value).toString('utf8');
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
  return value;
}

/** A stored event of ours as the port's `RecordedEvent`; throws when the server reports no `$all` position. */
export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent {
  const event = resolved.event;
  if (!event) throw new Error('EventStoreDB returned a link whose event is gone; read with resolveLinkTos off');
  if (!event.position) {
    throw new Error(
      `EventStoreDB returned ${event.streamId}@${event.revision} without its $all position (server < 22.6)`,
    );
  }
  const stored = (decode(event.metadata) ?? {}) as StoredMetadata;
  const recordedAt = typeof stored.recordedAt === 'string' ? stored.recordedAt : event.created.toISOString();
  return {
    eventId: event.id,
    type: event.type,
    data: decode(event.data),
    metadata: { ...stored, eventId: event.id, recordedAt },
    streamId: event.streamId,
    streamRevision: Number(event.revision),
    position: formatPosition(event.position),
    recordedAt,
  };
}

/** The revision a stream is at, as the port counts it: -1 when it has no event. */
export function currentRevision(current: CurrentRevision): number {
  return current === NO_STREAM ? -1 : Number(current);
}

/** Whether a stream at `current` (-1: no stream) satisfies the caller's expected revision. */
export function satisfies(expected: ExpectedRevision = 'any', current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1;
  if (expected === 'stream_exists') return current >= 0;
  return expected === current;
}

/** The port's typed conflict for a stream found at `current` (-1: no stream). */
export function revisionConflict(
  streamId: string,
  expected: ExpectedRevision,
  current: number,
): StreamRevisionConflict {
  return new StreamRevisionConflict(streamId, expected, current < 0 ? 'no_stream' : current);
}

/** EventStoreDB's wrong-expected-version error as the port's typed conflict. */
export function fromWrongExpectedVersion(
  error: WrongExpectedVersionError,
  expected: ExpectedRevision = 'any',
): StreamRevisionConflict {
  return revisionConflict(error.streamName, expected, currentRevision(error.actualVersion));
}

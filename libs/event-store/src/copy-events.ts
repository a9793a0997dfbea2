import { StreamRevisionConflict } from './event-store.errors.js';
import { START, type EventStore, type GlobalPosition, type NewEvent, type RecordedEvent } from './event-store.port.js';

export interface CopyProgress {
  /** Events read from the source so far in this run. */
  read: number;
  /** Of those, events the target already held (a resumed or repeated run). */
  duplicates: number;
  /** The source position everything up to which is in the target: resume after it. */
  position: GlobalPosition;
  eventsPerSecond: number;
}

export interface CopyEventsOptions {
  /** Source position to resume after (a saved `CopyProgress.position`); the start of the log when absent. */
  after?: GlobalPosition;
  batchSize?: number;
  /** Called once each batch is in the target; the place to save the position. */
  onBatch?: (progress: CopyProgress) => Promise<void> | void;
  signal?: AbortSignal;
}

export class CopyDiverged extends Error {
  readonly code = 'COPY_DIVERGED';
  constructor(
    readonly streamId: string,
    readonly conflict: StreamRevisionConflict,
  ) {
    super(
      `Stream ${streamId} in the target does not match the source (${conflict.message}); ` +
        'the target holds events that were not copied from this source',
    );
  }
}

/** Consecutive events of one stream in the source's global order: one append, without reordering streams. */
function runsOfOneStream(events: RecordedEvent[]): RecordedEvent[][] {
  const runs: RecordedEvent[][] = [];
  for (const event of events) {
    const run = runs[runs.length - 1];
    if (run && run[0]!.streamId === event.streamId) run.push(event);
    else runs.push([event]);
  }
  return runs;
}

function asNewEvent(event: RecordedEvent): NewEvent {
  // Same id (so a repeat is a duplicate), same type, data and metadata, and when it was first recorded.
  const { eventId: _eventId, ...metadata } = event.metadata;
  return { eventId: event.eventId, type: event.type, data: event.data, metadata };
}

/**
 * Copies every event of `source` into `target` in the source's global order, each to the same stream at
 * the same revision. Resumable: appends are idempotent by event id and checked against the revision, so a
 * run resumed from any saved position (or from the start) never stores an event twice.
 */
export async function copyEvents(
  source: EventStore,
  target: EventStore,
  options: CopyEventsOptions = {},
): Promise<CopyProgress> {
  const started = Date.now();
  const progress: CopyProgress = { read: 0, duplicates: 0, position: options.after ?? START, eventsPerSecond: 0 };
  while (!options.signal?.aborted) {
    const batch = await source.readAll({ after: progress.position, maxCount: options.batchSize ?? 1000 });
    if (batch.length === 0) break;
    for (const run of runsOfOneStream(batch)) {
      const first = run[0]!.streamRevision;
      try {
        const result = await target.append(run[0]!.streamId, run.map(asNewEvent), {
          expectedRevision: first === 0 ? 'no_stream' : first - 1,
        });
        progress.duplicates += result.events.filter((e) => e.duplicate).length;
      } catch (error) {
        if (error instanceof StreamRevisionConflict) throw new CopyDiverged(run[0]!.streamId, error);
        throw error;
      }
    }
    progress.read += batch.length;
    progress.position = batch[batch.length - 1]!.position;
    progress.eventsPerSecond = Math.round(progress.read / Math.max((Date.now() - started) / 1000, 0.001));
    await options.onBatch?.({ ...progress });
  }
  return progress;
}

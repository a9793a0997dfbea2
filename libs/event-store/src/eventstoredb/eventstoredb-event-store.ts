import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START as ESDB_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Filter,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  START,
  type AppendResult,
  type AppendedEvent,
  type EventStore,
  type EventStoreHealth,
  type ExpectedRevision,
  type GlobalPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamWrite,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port.js';
import {
  comparePositions,
  fromWrongExpectedVersion,
  isAfter,
  isSystemEvent,
  parsePosition,
  revisionConflict,
  satisfies,
  toEventData,
  toRecordedEvent,
} from './eventstoredb-event.mapping.js';
import { sleep } from '../poll-all.js';

const DEFAULT_PAGE = 1000;
/** Raw `$all` records read per round trip when looking for our events among EventStoreDB's own. */
const RAW_PAGE = 1000;
/** Rounds an append with `any` may lose to concurrent writers of its stream before it gives up. */
const MAX_APPEND_ATTEMPTS = 100;

export interface EventStoreDbEventStoreOptions {
  /** `esdb://host:2113?tls=false`, or `esdb+discover://…` for a cluster. */
  connectionString: string;
  /** The streams that are ours; absent: every stream but EventStoreDB's own (`$…`). */
  streamPrefixes?: string[];
}

/** The subscription's handler failed: the subscription ends with its error instead of resubscribing. */
class HandlerFailed {
  constructor(readonly error: unknown) {}
}

async function collect<E>(read: AsyncIterable<E>): Promise<E[]> {
  const out: E[] = [];
  try {
    for await (const item of read) out.push(item);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return out;
    throw error;
  }
  return out;
}

interface PendingEvent {
  eventId: string;
  event: NewEvent;
}

/**
 * The EventStoreDB (KurrentDB) adapter of the event store port. An append is one stream, one commit;
 * `appendMany` writes stream by stream (see `capabilities`). Event ids must be UUIDs; ours are derived
 * from the touchpointId, so a redelivery to the same stream is answered as a duplicate.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly capabilities = {
    atomicMultiStreamAppend: false,
    eventIdUniqueAcrossStreams: false,
    hashChains: false,
  } as const;
  private readonly client: EventStoreDBClient;
  private readonly streamPrefixes?: string[];
  private readonly subscriptions = new Set<AbortController>();

  constructor(options: EventStoreDbEventStoreOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.streamPrefixes = options.streamPrefixes;
  }

  /**
   * Looks the stream's stored ids up first and appends only the new events at the exact revision it found,
   * so the check and the write cannot interleave with another writer: a writer that slipped in between
   * makes the append fail, and the next round sees its events. (The server's own idempotence check holds
   * with an exact revision too, so a lost answer retried at the same revision stores nothing twice.)
   */
  async append(
    streamId: string,
    events: NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    const { slots, unique } = withIds(events);
    for (let attempt = 1; ; attempt++) {
      const { current, stored } = await this.storedIds(streamId, unique);
      const fresh = unique.filter((p) => !stored.has(p.eventId));
      if (fresh.length > 0 && !satisfies(expected, current)) throw revisionConflict(streamId, expected, current);
      if (fresh.length > 0) {
        try {
          await this.client.appendToStream(
            streamId,
            fresh.map((p) => toEventData(p.event, p.eventId)),
            { expectedRevision: current < 0 ? NO_STREAM : BigInt(current) },
          );
        } catch (error) {
          if (error instanceof WrongExpectedVersionError && attempt < MAX_APPEND_ATTEMPTS) continue;
          if (error instanceof WrongExpectedVersionError) throw fromWrongExpectedVersion(error, expected);
          throw error;
        }
        // The append result holds one position; each event's own comes from reading them back.
        const written = await this.readStream(streamId, { fromRevision: current + 1, maxCount: fresh.length });
        for (const e of written) stored.set(e.eventId, { event: e, duplicate: false });
      }
      return {
        streamId,
        events: slots.map((slot) => {
          const found = stored.get(slot.eventId)!;
          const appended: AppendedEvent = {
            eventId: found.event.eventId,
            streamRevision: found.event.streamRevision,
            position: found.event.position,
            duplicate: found.duplicate || slot.repeat,
          };
          return appended;
        }),
      };
    }
  }

  /**
   * Not atomic: EventStoreDB commits one stream at a time. Every stream's expected revision is checked
   * before any is written, so a conflict known up front writes nothing; then each stream is appended in
   * turn, idempotently by event id, so a retry of the same call after a failure part-way completes it.
   */
  async appendMany(writes: StreamWrite[]): Promise<AppendResult[]> {
    for (const write of writes) {
      const { unique } = withIds(write.events);
      const { current, stored } = await this.storedIds(write.streamId, unique);
      const fresh = unique.some((p) => !stored.has(p.eventId));
      const expected = write.expectedRevision ?? 'any';
      if (fresh && !satisfies(expected, current)) throw revisionConflict(write.streamId, expected, current);
    }
    const results: AppendResult[] = [];
    for (const write of writes) {
      results.push(await this.append(write.streamId, write.events, { expectedRevision: write.expectedRevision }));
    }
    return results;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const resolved = await collect<ResolvedEvent>(
      this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : ESDB_START,
        ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
        resolveLinkTos: false,
      }),
    );
    return resolved.map(toRecordedEvent);
  }

  /** `$all` holds EventStoreDB's own events too: pages of raw records are read until a page of ours is full. */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? DEFAULT_PAGE;
    let after = parsePosition(options.after ?? START);
    const ours: RecordedEvent[] = [];
    for (;;) {
      const page = await collect<AllStreamResolvedEvent>(
        this.client.readAll({
          direction: FORWARDS,
          fromPosition: after ?? ESDB_START,
          maxCount: RAW_PAGE,
          resolveLinkTos: false,
        }),
      );
      let advanced = false;
      for (const resolved of page) {
        const position = resolved.event?.position;
        // A read from a position includes the record at it: everything up to `after` was seen already.
        if (!position || !isAfter(position, after)) continue;
        after = position;
        advanced = true;
        if (!this.isOurs(resolved)) continue;
        ours.push(toRecordedEvent(resolved));
        if (ours.length === maxCount) return ours;
      }
      if (!advanced || page.length < RAW_PAGE) return ours;
    }
  }

  /**
   * A catch-up subscription to `$all`, filtered on the server to our streams, delivered in batches of what
   * has arrived. When it drops (leader change, timeout, lost connection) it resubscribes after the last
   * position its handler finished, never from "now".
   */
  subscribeToAll(handler: (events: RecordedEvent[]) => Promise<void>, options: SubscribeOptions = {}): Subscription {
    const abort = new AbortController();
    const batchSize = options.maxCount ?? DEFAULT_PAGE;
    let after = parsePosition(options.after ?? START);
    const run = async () => {
      let failures = 0;
      while (!abort.signal.aborted) {
        const subscription = this.client.subscribeToAll({
          fromPosition: after ?? ESDB_START,
          filter: this.filter(),
          resolveLinkTos: false,
        });
        try {
          await drain(subscription, batchSize, abort.signal, options.onCaughtUp, async (batch) => {
            const fresh = batch.filter((e) => e.event?.position && isAfter(e.event.position, after));
            const events = fresh.filter((e) => this.isOurs(e)).map(toRecordedEvent);
            if (events.length > 0) {
              try {
                await handler(events);
              } catch (error) {
                throw new HandlerFailed(error);
              }
            }
            const last = fresh[fresh.length - 1]?.event?.position;
            if (last) after = last;
            failures = 0;
          });
        } catch (error) {
          if (error instanceof HandlerFailed) throw error.error;
          failures++;
          options.onReadError?.(error, failures);
          await sleep(Math.min(100 * 2 ** failures, 5000), abort.signal);
        } finally {
          await subscription.unsubscribe().catch(() => undefined);
        }
      }
    };
    const closed = run();
    closed.catch(() => undefined);
    this.subscriptions.add(abort);
    void closed.finally(() => this.subscriptions.delete(abort)).catch(() => undefined);
    return {
      closed,
      stop: async () => {
        abort.abort();
        await closed.catch(() => undefined);
      },
    };
  }

  comparePositions(a: GlobalPosition, b: GlobalPosition): number {
    const [pa, pb] = [parsePosition(a), parsePosition(b)];
    if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
    return comparePositions(pa, pb);
  }

  /** EventStoreDB has no open transactions that hold the log back; the read proves the server answers. */
  async health(): Promise<EventStoreHealth> {
    await collect(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
    return { oldestOpenTransactionSeconds: 0 };
  }

  async close(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.abort();
    await this.client.dispose();
  }

  private filter(): Filter {
    return this.streamPrefixes ? streamNameFilter({ prefixes: this.streamPrefixes }) : excludeSystemEvents();
  }

  private isOurs(resolved: ResolvedEvent): boolean {
    if (isSystemEvent(resolved)) return false;
    const streamId = resolved.event!.streamId;
    return !this.streamPrefixes || this.streamPrefixes.some((prefix) => streamId.startsWith(prefix));
  }

  /** The stream's revision (-1: no stream) and which of `pending` it holds already, read from its end. */
  private async storedIds(
    streamId: string,
    pending: PendingEvent[],
  ): Promise<{ current: number; stored: Map<string, { event: RecordedEvent; duplicate: boolean }> }> {
    const stored = new Map<string, { event: RecordedEvent; duplicate: boolean }>();
    const wanted = new Set(pending.filter((p) => p.event.eventId !== undefined).map((p) => p.eventId));
    const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    const current = last?.streamRevision ?? -1;
    // Only caller-given ids can be repeats; the stream is searched back until all are found or it ends.
    let from = current;
    while (wanted.size > stored.size && from >= 0) {
      const page = await this.readStream(streamId, { direction: 'backwards', fromRevision: from, maxCount: RAW_PAGE });
      for (const event of page) if (wanted.has(event.eventId)) stored.set(event.eventId, { event, duplicate: true });
      from -= RAW_PAGE;
    }
    return { current, stored };
  }
}

/** Gives each event an id and marks ids repeated inside the call, which are stored once. */
function withIds(events: NewEvent[]): { slots: { eventId: string; repeat: boolean }[]; unique: PendingEvent[] } {
  const seen = new Set<string>();
  const unique: PendingEvent[] = [];
  const slots = events.map((event) => {
    const eventId = (event.eventId ?? randomUUID()).toLowerCase();
    const repeat = seen.has(eventId);
    if (!repeat) {
      seen.add(eventId);
      unique.push({ eventId, event });
    }
    return { eventId, repeat };
  });
  return { slots, unique };
}

/**
 * Hands the subscription's records to `deliver` in batches of whatever has arrived (up to `batchSize`),
 * one batch finished before the next is taken. Resolves when aborted; rejects when the stream fails or ends.
 */
async function drain(
  subscription: AllStreamSubscription,
  batchSize: number,
  signal: AbortSignal,
  onCaughtUp: (() => void | Promise<void>) | undefined,
  deliver: (batch: AllStreamResolvedEvent[]) => Promise<void>,
): Promise<void> {
  let failure: unknown;
  let ended = false;
  let caughtUp = false;
  let wake: () => void = () => undefined;
  const nudge = () => wake();
  subscription.on('error', (error: Error) => {
    failure = error;
    nudge();
  });
  subscription.on('end', () => {
    ended = true;
    nudge();
  });
  subscription.on('close', () => {
    ended = true;
    nudge();
  });
  subscription.on('readable', nudge);
  subscription.on('caughtUp', () => {
    caughtUp = true;
    nudge();
  });
  signal.addEventListener('abort', nudge, { once: true });
  try {
    while (!signal.aborted) {
      const batch: AllStreamResolvedEvent[] = [];
      for (let record: AllStreamResolvedEvent | null; batch.length < batchSize;) {
        record = subscription.read() as AllStreamResolvedEvent | null;
        if (record === null) break;
        batch.push(record);
      }
      if (batch.length > 0) {
        await deliver(batch);
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) throw new Error('The EventStoreDB subscription ended');
      // Reported once what came before the server's caught-up message has been handled.
      if (caughtUp) {
        caughtUp = false;
        await onCaughtUp?.();
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal.removeEventListener('abort', nudge);
  }
}

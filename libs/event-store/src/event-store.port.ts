/** Injection token of the event store port. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/**
 * A position in the global log. Opaque: only the adapter that issued it can compare or parse it,
 * so a checkpoint stores it as it is (PostgreSQL: transaction id and sequence; EventStoreDB: commit
 * and prepare positions).
 */
export type GlobalPosition = string;

/** The position before the first event of the log. */
export const START: GlobalPosition = 'start';

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface NewEvent {
  /** Deterministic where the source gives an idempotency key; a repeat of a stored id stores nothing. */
  eventId?: string;
  type: string;
  data: unknown;
  metadata: object;
}

export interface RecordedEvent {
  eventId: string;
  type: string;
  data: unknown;
  /** The stored metadata plus `eventId` and `recordedAt`. */
  metadata: Record<string, unknown> & { eventId: string; recordedAt: string };
  streamId: string;
  streamRevision: number;
  position: GlobalPosition;
  recordedAt: string;
}

export interface AppendedEvent {
  eventId: string;
  streamRevision: number;
  position: GlobalPosition;
  /** True when an event with this id was already stored: nothing new was written for it. */
  duplicate: boolean;
}

export interface AppendResult {
  streamId: string;
  events: AppendedEvent[];
}

export interface StreamWrite {
  streamId: string;
  events: NewEvent[];
  expectedRevision?: ExpectedRevision;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive; from the first (forwards) or the last (backwards) revision when absent. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events after this position. */
  after?: GlobalPosition;
  maxCount?: number;
}

export interface SubscribeOptions extends ReadAllOptions {
  /** How long to wait before polling again once caught up. */
  idleDelayMs?: number;
  /** Called whenever a read finds no more events: the subscriber has caught up. Awaited before reading on. */
  onCaughtUp?: () => void | Promise<void>;
  /** Called when reading the log fails; the subscription retries with backoff. */
  onReadError?: (error: unknown, attempt: number) => void;
}

export interface Subscription {
  /** Stops after the batch in flight; resolves when stopped. */
  stop(): Promise<void>;
  /** Settles when the subscription ends: resolves on stop, rejects when the handler throws. */
  readonly closed: Promise<void>;
}

export interface EventStoreHealth {
  /** Age in seconds of the oldest transaction that holds back the global log, 0 when none. */
  oldestOpenTransactionSeconds: number;
}

/** What an adapter can promise beyond the common contract; the contract suite checks each one it claims. */
export interface EventStoreCapabilities {
  /** `appendMany` commits all its streams or none (PostgreSQL); otherwise stream by stream, each idempotent. */
  atomicMultiStreamAppend: boolean;
  /** An event id is stored once in the whole store; otherwise once per stream (EventStoreDB). */
  eventIdUniqueAcrossStreams: boolean;
  /** Each stored event carries a hash chained to its stream's previous one, checked by `verifyChains` (PostgreSQL). */
  hashChains: boolean;
}

/**
 * The event store port. Adapters: PostgreSQL (default) and EventStoreDB, held to one contract suite.
 */
export interface EventStore {
  readonly capabilities: EventStoreCapabilities;
  /** Appends to one stream; the events get consecutive revisions and commit together or not at all. */
  append(
    streamId: string,
    events: NewEvent[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  /**
   * Appends to several streams. With `capabilities.atomicMultiStreamAppend`, in one commit that a revision
   * conflict in any fails whole; without, stream by stream, so a retry of the same events completes a partial one.
   */
  appendMany(writes: StreamWrite[]): Promise<AppendResult[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** The global log in commit-safe order: a later read never returns an event that sorts before one already returned. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up from `after`, then live. The handler's batch is finished before the next is read. */
  subscribeToAll(handler: (events: RecordedEvent[]) => Promise<void>, options?: SubscribeOptions): Subscription;
  /** Order of two positions this store issued (or `START`): negative, zero or positive. */
  comparePositions(a: GlobalPosition, b: GlobalPosition): number;
  health(): Promise<EventStoreHealth>;
  close(): Promise<void>;
}

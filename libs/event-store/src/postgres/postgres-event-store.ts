import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { InvalidPosition, StreamRevisionConflict } from '../event-store.errors.js';
import { pollAll } from '../poll-all.js';
import {
  START,
  type AppendResult,
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

const REVISION_CONFLICT = 'C3601';
const UNIQUE_VIOLATION = '23505';
const DEADLOCK = '40P01';
const DEFAULT_PAGE = 1000;

const EXPECTED_CODES: Record<Exclude<ExpectedRevision, number>, number> = {
  any: -1,
  no_stream: -2,
  stream_exists: -3,
};

function expectedCode(expected: ExpectedRevision = 'any'): number {
  return typeof expected === 'number' ? expected : EXPECTED_CODES[expected];
}

function expectedFromCode(code: number): ExpectedRevision {
  return code >= 0 ? code : code === -2 ? 'no_stream' : code === -3 ? 'stream_exists' : 'any';
}

function formatPosition(transactionId: string, sequence: string): GlobalPosition {
  return `${transactionId}/${sequence}`;
}

function parsePosition(position: GlobalPosition): [string, string] {
  if (position === START) return ['0', '0'];
  const match = /^(\d+)\/(\d+)$/.exec(position);
  if (!match) throw new InvalidPosition(position);
  return [match[1]!, match[2]!];
}

interface EventRow {
  sequence: string;
  transaction_id: string;
  stream_id: string;
  stream_revision: number;
  event_id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  const recordedAt = row.recorded_at.toISOString();
  return {
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: { ...row.metadata, eventId: row.event_id, recordedAt },
    streamId: row.stream_id,
    streamRevision: row.stream_revision,
    position: formatPosition(row.transaction_id, row.sequence),
    recordedAt,
  };
}

const EVENT_COLUMNS =
  'sequence, transaction_id, stream_id, stream_revision, event_id, type, data, metadata, recorded_at';

export interface PostgresEventStoreOptions {
  connectionString: string;
  poolSize?: number;
  applicationName?: string;
}

/** The PostgreSQL adapter of the event store port (schema: `postgres-event-store.schema.ts`). */
export class PostgresEventStore implements EventStore {
  readonly capabilities = {
    atomicMultiStreamAppend: true,
    eventIdUniqueAcrossStreams: true,
    hashChains: true,
  } as const;
  private readonly pool: pg.Pool;
  /** Open subscriptions: closing the store ends them, rather than leaving them retrying on a closed pool. */
  private readonly subscriptions = new Set<AbortController>();

  constructor(options: PostgresEventStoreOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'c360-event-store',
    });
    // An idle client that loses its server must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async append(
    streamId: string,
    events: NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const [result] = await this.appendMany([{ streamId, events, expectedRevision: options.expectedRevision }]);
    return result!;
  }

  async appendMany(writes: StreamWrite[]): Promise<AppendResult[]> {
    const firstIndexOfId = new Map<string, number>();
    const writeRows = writes.map((w, i) => ({ i: i + 1, s: w.streamId, x: expectedCode(w.expectedRevision) }));
    const eventRows: { ord: number; w: number; id: string; t: string; d: unknown; m: object }[] = [];
    // An id repeated inside one call is stored once; its later copies answer as duplicates.
    const slots: { write: number; row: number; repeatOf?: number }[] = [];
    writes.forEach((write, w) => {
      for (const event of write.events) {
        const id = event.eventId ?? randomUUID();
        const first = firstIndexOfId.get(id);
        if (first !== undefined) {
          slots.push({ write: w, row: -1, repeatOf: first });
          continue;
        }
        firstIndexOfId.set(id, eventRows.length);
        slots.push({ write: w, row: eventRows.length });
        eventRows.push({ ord: eventRows.length + 1, w: w + 1, id, t: event.type, d: event.data, m: event.metadata });
      }
    });
    if (eventRows.length === 0) return writes.map((w) => ({ streamId: w.streamId, events: [] }));

    const rows = await this.callAppend(JSON.stringify(writeRows), JSON.stringify(eventRows));
    const byOrdinal = new Map(rows.map((r) => [Number(r.ordinal) - 1, r]));
    const results: AppendResult[] = writes.map((w) => ({ streamId: w.streamId, events: [] }));
    for (const slot of slots) {
      const row = byOrdinal.get(slot.repeatOf ?? slot.row)!;
      results[slot.write]!.events.push({
        eventId: row.event_id,
        streamRevision: row.stream_revision,
        position: formatPosition(row.transaction_id, row.sequence),
        duplicate: slot.repeatOf !== undefined || row.duplicate,
      });
    }
    return results;
  }

  private async callAppend(
    writes: string,
    events: string,
  ): Promise<
    {
      ordinal: string;
      event_id: string;
      stream_revision: number;
      sequence: string;
      transaction_id: string;
      duplicate: boolean;
    }[]
  > {
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.pool.query(
          'SELECT ordinal, event_id, stream_revision, sequence, transaction_id, duplicate FROM c360_append($1::jsonb, $2::jsonb)',
          [writes, events],
        );
        return rows;
      } catch (error) {
        const e = error as pg.DatabaseError;
        if (e.code === REVISION_CONFLICT) {
          const detail = JSON.parse(e.detail ?? '{}') as { streamId: string; expected: number; actual: number | null };
          throw new StreamRevisionConflict(
            detail.streamId,
            expectedFromCode(detail.expected),
            detail.actual ?? 'no_stream',
          );
        }
        // The same event id raced in from a writer of another stream: the retry finds it stored.
        // A deadlock can only come from such a race too, since stream locks are taken in one order.
        if ((e.code === UNIQUE_VIOLATION || e.code === DEADLOCK) && attempt < 3) continue;
        throw error;
      }
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? 2 ** 31 - 1 : 0);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM c360_events
        WHERE stream_id = $1 AND stream_revision ${backwards ? '<=' : '>='} $2
        ORDER BY stream_revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      [streamId, from, options.maxCount ?? 2 ** 31 - 1],
    );
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const [transactionId, sequence] = parsePosition(options.after ?? START);
    // Only transactions below the snapshot's xmin have all ended: nothing can commit behind them later.
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM c360_events
        WHERE (transaction_id, sequence) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, sequence LIMIT $3`,
      [transactionId, sequence, options.maxCount ?? DEFAULT_PAGE],
    );
    return rows.map(toRecordedEvent);
  }

  subscribeToAll(handler: (events: RecordedEvent[]) => Promise<void>, options: SubscribeOptions = {}): Subscription {
    const abort = new AbortController();
    const subscription = pollAll((after, maxCount) => this.readAll({ after, maxCount }), handler, options, abort);
    this.subscriptions.add(abort);
    void subscription.closed.finally(() => this.subscriptions.delete(abort)).catch(() => undefined);
    return subscription;
  }

  comparePositions(a: GlobalPosition, b: GlobalPosition): number {
    const [ta, sa] = parsePosition(a).map(BigInt) as [bigint, bigint];
    const [tb, sb] = parsePosition(b).map(BigInt) as [bigint, bigint];
    return ta !== tb ? (ta < tb ? -1 : 1) : sa === sb ? 0 : sa < sb ? -1 : 1;
  }

  async health(): Promise<EventStoreHealth> {
    const { rows } = await this.pool.query<{ age: number | null }>(
      `SELECT EXTRACT(EPOCH FROM max(clock_timestamp() - xact_start))::float8 AS age
         FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL)`,
    );
    return { oldestOpenTransactionSeconds: rows[0]?.age ?? 0 };
  }

  async close(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.abort();
    await this.pool.end();
  }
}

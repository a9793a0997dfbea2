import {
  combineProfiles,
  CUSTOMER_STREAM_PREFIX,
  emptyCustomerProfile,
  evolveCustomerProfile,
  type CustomerProfileState,
} from '@c360/domain';
import type { RecordedEvent } from '@c360/event-store';
import { forgottenIn, ofForgottenCustomer, type ApplyContext, type Projection } from '@c360/projections';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CLOCK, profilePartsOf, rootsOf, saveScores, scoreRowOf, type Clock } from './customer-scores.js';

/** While behind, the customers a batch touched are rescored at most this often (and when it catches up). */
export const SCORE_FLUSH_MS = 30_000;
/** Customers rescored per statement when pending ones are flushed. */
const SCORE_CHUNK = 2000;

/**
 * Maintains `c360_customer_profiles` (the fold of each stream) and, for every customer a batch
 * touched, its row of `c360_customer_scores` (the combined profile of everything shown as it).
 *
 * Rescoring is most of a batch's cost, and a customer has about one event per batch however far behind the
 * projection is. So while behind (a catch-up, a rebuild) the customers touched are only marked in
 * `c360_customer_scores_pending`, in the batch's transaction, and rescored together every `SCORE_FLUSH_MS`, at
 * the first batch that is not behind, and by `settle` before a rebuild swaps its tables in: each once, however
 * many batches touched it. Live, every batch rescores what it touched.
 */
@Injectable()
export class CustomerProfileProjection implements Projection {
  readonly name = 'customer-profile';
  readonly tables = ['c360_customer_profiles', 'c360_customer_scores', 'c360_customer_scores_pending'];
  /** When each schema's pending scores were last flushed (the live tables and a rebuild's are apart). */
  private readonly flushedAt = new Map<string, number>();

  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async apply(events: RecordedEvent[], manager: EntityManager, context: ApplyContext = {}): Promise<void> {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      if (!event.streamId.startsWith(CUSTOMER_STREAM_PREFIX) || ofForgottenCustomer(event)) continue;
      const customerId = event.streamId.slice(CUSTOMER_STREAM_PREFIX.length);
      const list = byStream.get(customerId) ?? [];
      list.push(event);
      byStream.set(customerId, list);
    }
    const forgotten = forgottenIn(events);
    if (forgotten.length > 0) await this.removeCustomers(forgotten, manager);
    if (byStream.size === 0) {
      if (!context.behind) await this.settle(manager);
      return;
    }
    const customerIds = [...byStream.keys()];

    const stored = (await manager.query(
      'SELECT customer_id, state FROM c360_customer_profiles WHERE customer_id = ANY($1::text[])',
      [customerIds],
    )) as { customer_id: string; state: CustomerProfileState }[];
    const states = new Map(stored.map((r) => [r.customer_id, r.state]));
    const updated = new Map(
      customerIds.map((id) => {
        let state = states.get(id) ?? emptyCustomerProfile(id);
        for (const event of byStream.get(id)!) state = evolveCustomerProfile(state, event);
        return [id, state];
      }),
    );
    // `json`, not `jsonb`, in and out: a batch's states are megabytes, and PostgreSQL parses one large jsonb
    // document several times slower than it checks the same text as json (docs/performance.md)
    await manager.query(
      `INSERT INTO c360_customer_profiles AS p (customer_id, state, updated_at)
       SELECT s->>'customerId', s, now() FROM json_array_elements($1::json) AS s
       ON CONFLICT (customer_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
      [JSON.stringify([...updated.values()])],
    );
    if (context.behind) {
      // the flush clock runs per schema: the live tables and a rebuild's (its search_path) are apart
      const [{ schema }] = (await manager.query('SELECT current_schema() AS schema')) as { schema: string }[];
      if (Date.now() - (this.flushedAt.get(schema) ?? 0) < SCORE_FLUSH_MS) {
        await manager.query(
          'INSERT INTO c360_customer_scores_pending (customer_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING',
          [customerIds],
        );
        return;
      }
      this.flushedAt.set(schema, Date.now());
    }
    await this.flushScores(manager, customerIds, updated);
  }

  async settle(manager: EntityManager): Promise<void> {
    await this.flushScores(manager, [], new Map());
  }

  async removeCustomers(customerIds: string[], manager: EntityManager): Promise<void> {
    for (const table of this.tables) {
      await manager.query(`DELETE FROM ${table} WHERE customer_id = ANY($1::text[])`, [customerIds]);
    }
  }

  /** Rescores these customers and every pending one. */
  private async flushScores(
    manager: EntityManager,
    customerIds: string[],
    known: ReadonlyMap<string, CustomerProfileState>,
  ): Promise<void> {
    // TypeORM answers a DELETE with [rows, count]
    const [deleted] = (await manager.query('DELETE FROM c360_customer_scores_pending RETURNING customer_id')) as [
      { customer_id: string }[],
      number,
    ];
    const pending = deleted.map((row) => row.customer_id);
    const ids = [...new Set([...customerIds, ...pending])];
    const now = this.clock();
    for (let i = 0; i < ids.length; i += SCORE_CHUNK) {
      await refreshScores(manager, ids.slice(i, i + SCORE_CHUNK), now, known);
    }
  }
}

/**
 * Recomputes the score rows of the customers these streams are shown as, and drops the rows of
 * streams now shown as another customer (merged away). `known`: states the caller has just written.
 */
export async function refreshScores(
  manager: EntityManager,
  streamIds: string[],
  now: Date,
  known?: ReadonlyMap<string, CustomerProfileState>,
): Promise<void> {
  const roots = await rootsOf(manager, streamIds);
  const rootIds = [...new Set(roots.values())];
  const parts = await profilePartsOf(manager, rootIds, known);
  const rows = rootIds
    .filter((rootId) => parts.has(rootId))
    .map((rootId) => scoreRowOf(combineProfiles(rootId, parts.get(rootId)!), now));
  await saveScores(manager, rows);
  const mergedAway = streamIds.filter((id) => roots.get(id) !== id);
  if (mergedAway.length > 0) {
    await manager.query('DELETE FROM c360_customer_scores WHERE customer_id = ANY($1::text[])', [mergedAway]);
  }
}

import {
  combineProfiles,
  CUSTOMER_STREAM_PREFIX,
  emptyCustomerProfile,
  evolveCustomerProfile,
  type CustomerProfileState,
} from '@c360/domain';
import type { RecordedEvent } from '@c360/event-store';
import { forgottenIn, ofForgottenCustomer, type Projection } from '@c360/projections';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CLOCK, profilePartsOf, rootsOf, saveScores, scoreRowOf, type Clock } from './customer-scores.js';

/**
 * Maintains `c360_customer_profiles` (the fold of each stream) and, for every customer a batch
 * touched, its row of `c360_customer_scores` (the combined profile of everything shown as it).
 */
@Injectable()
export class CustomerProfileProjection implements Projection {
  readonly name = 'customer-profile';
  readonly tables = ['c360_customer_profiles', 'c360_customer_scores'];

  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async apply(events: RecordedEvent[], manager: EntityManager): Promise<void> {
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
    if (byStream.size === 0) return;
    const customerIds = [...byStream.keys()];

    const stored = (await manager.query(
      'SELECT customer_id, state FROM c360_customer_profiles WHERE customer_id = ANY($1::text[])',
      [customerIds],
    )) as { customer_id: string; state: CustomerProfileState }[];
    const states = new Map(stored.map((r) => [r.customer_id, r.state]));
    const updated = customerIds.map((id) => {
      let state = states.get(id) ?? emptyCustomerProfile(id);
      for (const event of byStream.get(id)!) state = evolveCustomerProfile(state, event);
      return { customerId: id, state };
    });
    await manager.query(
      `INSERT INTO c360_customer_profiles AS p (customer_id, state, updated_at)
       SELECT r."customerId", r.state, now() FROM jsonb_to_recordset($1::jsonb) AS r("customerId" text, state jsonb)
       ON CONFLICT (customer_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
      [JSON.stringify(updated)],
    );
    await refreshScores(manager, customerIds, this.clock());
  }

  async removeCustomers(customerIds: string[], manager: EntityManager): Promise<void> {
    await manager.query('DELETE FROM c360_customer_profiles WHERE customer_id = ANY($1::text[])', [customerIds]);
    await manager.query('DELETE FROM c360_customer_scores WHERE customer_id = ANY($1::text[])', [customerIds]);
  }
}

/**
 * Recomputes the score rows of the customers these streams are shown as, and drops the rows of
 * streams now shown as another customer (merged away).
 */
export async function refreshScores(manager: EntityManager, streamIds: string[], now: Date): Promise<void> {
  const roots = await rootsOf(manager, streamIds);
  const rootIds = [...new Set(roots.values())];
  const parts = await profilePartsOf(manager, rootIds);
  const rows = rootIds
    .filter((rootId) => parts.has(rootId))
    .map((rootId) => scoreRowOf(combineProfiles(rootId, parts.get(rootId)!), now));
  await saveScores(manager, rows);
  const mergedAway = streamIds.filter((id) => roots.get(id) !== id);
  if (mergedAway.length > 0) {
    await manager.query('DELETE FROM c360_customer_scores WHERE customer_id = ANY($1::text[])', [mergedAway]);
  }
}

import type { RecordedEvent } from '@c360/event-store';
import { forgottenIn, type Projection } from '@c360/projections';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { countChanges, foldCrossSellBatch, type OwnershipTransition } from './cross-sell.affinity.js';

/**
 * Maintains the `c360_cross_sell_*` tables per stream customer: holdings, owners per sku, co-owners per
 * pair, customers owning anything, latest marketing consent. Only ownership transitions over the batch
 * move the counts, so they are exact at every checkpoint however the log is cut into batches.
 */
@Injectable()
export class CrossSellProjection implements Projection {
  readonly name = 'cross-sell';
  readonly tables = [
    'c360_cross_sell_holdings',
    'c360_cross_sell_products',
    'c360_cross_sell_pairs',
    'c360_cross_sell_totals',
    'c360_cross_sell_marketing_consents',
  ];

  async apply(events: RecordedEvent[], manager: EntityManager): Promise<void> {
    const batch = foldCrossSellBatch(events);
    if (batch.holdings.length > 0) {
      const transitions = await this.applyHoldings(batch.holdings, manager);
      const customers = [...new Set(transitions.map((t) => t.customerId))];
      const ownedAfter =
        customers.length === 0
          ? []
          : ((await manager.query(
              `SELECT customer_id AS "customerId", sku FROM c360_cross_sell_holdings
                WHERE customer_id = ANY($1::text[]) AND quantity > 0`,
              [customers],
            )) as { customerId: string; sku: string }[]);
      const changes = countChanges(transitions, ownedAfter);
      await this.applyPairs(changes.pairs, manager);
      const products = new Map<string, { sku: string; category: string | null; owners: number }>();
      for (const { sku, category } of batch.categories) products.set(sku, { sku, category, owners: 0 });
      for (const { sku, delta } of changes.owners) {
        const product = products.get(sku);
        if (product) product.owners = delta;
        else products.set(sku, { sku, category: null, owners: delta });
      }
      if (products.size > 0)
        await manager.query(
          `INSERT INTO c360_cross_sell_products AS p (sku, category, owners)
           SELECT r.sku, r.category, r.owners FROM json_to_recordset($1::json) AS r(sku text, category text, owners bigint)
           ON CONFLICT (sku) DO UPDATE
              SET owners = p.owners + EXCLUDED.owners, category = coalesce(EXCLUDED.category, p.category)`,
          [JSON.stringify([...products.values()])],
        );
      if (changes.customers !== 0)
        // An upsert: a rebuild that emptied the tables starts the total again from nothing.
        await manager.query(
          `INSERT INTO c360_cross_sell_totals AS t (customers) VALUES ($1)
           ON CONFLICT (singleton) DO UPDATE SET customers = t.customers + EXCLUDED.customers`,
          [changes.customers],
        );
    }
    if (batch.consents.length > 0)
      await manager.query(
        `INSERT INTO c360_cross_sell_marketing_consents AS c (customer_id, granted, occurred_at)
         SELECT r."customerId", r.granted, r."occurredAt"
           FROM json_to_recordset($1::json) AS r("customerId" text, granted boolean, "occurredAt" timestamptz)
         ON CONFLICT (customer_id) DO UPDATE
            SET granted = EXCLUDED.granted, occurred_at = EXCLUDED.occurred_at
          WHERE EXCLUDED.occurred_at >= c.occurred_at`,
        [JSON.stringify(batch.consents)],
      );
    // The owner and pair counts keep what a forgotten customer bought; nothing names it any more.
    const forgotten = forgottenIn(events);
    if (forgotten.length > 0) {
      for (const table of ['c360_cross_sell_holdings', 'c360_cross_sell_marketing_consents']) {
        await manager.query(`DELETE FROM ${table} WHERE customer_id = ANY($1::text[])`, [forgotten]);
      }
    }
  }

  /** Adds the batch's net quantities and answers which holdings crossed zero, either way. */
  private async applyHoldings(
    holdings: ReturnType<typeof foldCrossSellBatch>['holdings'],
    manager: EntityManager,
  ): Promise<OwnershipTransition[]> {
    // Every part of one statement sees the same snapshot, so `before` reads the quantities the upsert replaces.
    return (await manager.query(
      `WITH change AS (
         SELECT * FROM json_to_recordset($1::json) AS r("customerId" text, sku text, quantity bigint, category text)
       ), before AS (
         SELECT h.customer_id, h.sku, h.quantity
           FROM change c JOIN c360_cross_sell_holdings h ON h.customer_id = c."customerId" AND h.sku = c.sku
       ), after AS (
         INSERT INTO c360_cross_sell_holdings AS h (customer_id, sku, category, quantity)
         SELECT c."customerId", c.sku, c.category, c.quantity FROM change c
         ON CONFLICT (customer_id, sku) DO UPDATE
            SET quantity = h.quantity + EXCLUDED.quantity, category = coalesce(EXCLUDED.category, h.category)
         RETURNING h.customer_id, h.sku, h.quantity
       )
       SELECT a.customer_id AS "customerId", a.sku, a.quantity > 0 AS owned
         FROM after a LEFT JOIN before b ON b.customer_id = a.customer_id AND b.sku = a.sku
        WHERE (a.quantity > 0) <> (coalesce(b.quantity, 0) > 0)`,
      [JSON.stringify(holdings)],
    )) as OwnershipTransition[];
  }

  private async applyPairs(pairs: { sku: string; otherSku: string; delta: number }[], manager: EntityManager) {
    if (pairs.length === 0) return;
    await manager.query(
      `INSERT INTO c360_cross_sell_pairs AS p (sku, other_sku, co_owners)
       SELECT r.sku, r."otherSku", r.delta FROM json_to_recordset($1::json) AS r(sku text, "otherSku" text, delta bigint)
       ON CONFLICT (sku, other_sku) DO UPDATE SET co_owners = p.co_owners + EXCLUDED.co_owners`,
      [JSON.stringify(pairs)],
    );
    const falling = pairs.filter((p) => p.delta < 0);
    if (falling.length > 0)
      await manager.query(
        `DELETE FROM c360_cross_sell_pairs p USING json_to_recordset($1::json) AS r(sku text, "otherSku" text)
          WHERE p.sku = r.sku AND p.other_sku = r."otherSku" AND p.co_owners = 0`,
        [JSON.stringify(falling)],
      );
  }
}

import type { EntityManager } from 'typeorm';
import { crossSellReason } from './cross-sell.affinity.js';

/** Fewer co-owners than this and a pair is noise, whatever its lift. */
export const DEFAULT_MIN_CO_OWNERS = 3;

export interface CrossSellOptions {
  /** Default 10. */
  limit?: number;
  /** Pairs with fewer co-owners are ignored; default {@link DEFAULT_MIN_CO_OWNERS}. */
  minCoOwners?: number;
  /** Only rules whose lift exceeds this are offered; default 1 (owning x makes y likelier, not less likely). */
  minLift?: number;
}

/** A product the customer does not own, and the owned product that makes it likely. */
export interface CrossSellCandidate {
  sku: string;
  category: string;
  lift: number;
  confidence: number;
  support: number;
  coOwners: number;
  because: { sku: string; category: string };
  reason: string;
}

export interface CampaignOptions {
  /** Default 100. */
  limit?: number;
  /** Default 0. */
  offset?: number;
  minCoOwners?: number;
  minLift?: number;
}

/** A customer to offer the campaign's product to. */
export interface CampaignCandidate {
  /** The effective customer: the survivor of the merges the owning stream went through, or the stream itself. */
  customerId: string;
  /** The best lift of a product the customer owns towards the campaign's product. */
  score: number;
  /** The owned product giving that lift. */
  because: string;
  reason: string;
}

// lift(x → y) = (co / owners(x)) / (owners(y) / customers), in float8 so it never truncates.
const LIFT = 'p.co_owners::float8 * t.customers / (px.owners::float8 * py.owners)';
const CONFIDENCE = 'p.co_owners::float8 / px.owners';

/**
 * Products to offer one effective customer, best lift first (then confidence). `customerIds` are all its
 * streams: the survivor and the customers merged into it; what any of them owns is owned, and never offered.
 * Consent is not checked here: see {@link marketingConsentOf}.
 */
export async function findCrossSellCandidates(
  manager: EntityManager,
  customerIds: string[],
  options: CrossSellOptions = {},
): Promise<CrossSellCandidate[]> {
  if (customerIds.length === 0) return [];
  const rows = (await manager.query(
    `WITH owned AS (
       SELECT DISTINCT sku FROM c360_cross_sell_holdings WHERE customer_id = ANY($1::text[]) AND quantity > 0
     ), rules AS (
       SELECT DISTINCT ON (p.other_sku)
              p.other_sku AS sku, py.category, p.sku AS because, px.category AS "becauseCategory",
              p.co_owners::int AS "coOwners", ${CONFIDENCE} AS confidence, ${LIFT} AS lift,
              p.co_owners::float8 / t.customers AS support
         FROM owned o
         JOIN c360_cross_sell_pairs p ON p.sku = o.sku
         JOIN c360_cross_sell_products px ON px.sku = p.sku
         JOIN c360_cross_sell_products py ON py.sku = p.other_sku
        CROSS JOIN c360_cross_sell_totals t
        WHERE p.co_owners >= $2 AND p.other_sku NOT IN (SELECT sku FROM owned)
        ORDER BY p.other_sku, lift DESC, confidence DESC, p.sku
     )
     SELECT * FROM rules WHERE lift > $3 ORDER BY lift DESC, confidence DESC, sku LIMIT $4`,
    [customerIds, options.minCoOwners ?? DEFAULT_MIN_CO_OWNERS, options.minLift ?? 1, options.limit ?? 10],
  )) as {
    sku: string;
    category: string | null;
    because: string;
    becauseCategory: string | null;
    coOwners: number;
    confidence: number;
    lift: number;
    support: number;
  }[];
  return rows.map((r) => ({
    sku: r.sku,
    category: r.category ?? '',
    lift: r.lift,
    confidence: r.confidence,
    support: r.support,
    coOwners: r.coOwners,
    because: { sku: r.because, category: r.becauseCategory ?? '' },
    reason: crossSellReason(r.because, r.sku, r.lift),
  }));
}

/**
 * Whether the latest marketing consent recorded on any of the streams of one effective customer grants it.
 * No record means no consent; two streams deciding at the same instant, one against, mean no consent.
 */
export async function marketingConsentOf(manager: EntityManager, customerIds: string[]): Promise<boolean> {
  if (customerIds.length === 0) return false;
  const rows = (await manager.query(
    `SELECT granted FROM c360_cross_sell_marketing_consents WHERE customer_id = ANY($1::text[])
      ORDER BY occurred_at DESC, granted ASC LIMIT 1`,
    [customerIds],
  )) as { granted: boolean }[];
  return rows[0]?.granted ?? false;
}

/**
 * The campaign list of a product: effective customers none of whose streams owns it, whose latest marketing
 * consent grants it, ranked by the best lift any product they own gives it. One query, every step by index:
 * the pairs' primary key, the holdings' owners index, c360_customers' key and root index, consents' key.
 */
export async function findCampaignCandidates(
  manager: EntityManager,
  sku: string,
  options: CampaignOptions = {},
): Promise<CampaignCandidate[]> {
  const rows = (await manager.query(
    `WITH rules AS (
       SELECT p.other_sku AS because, ${CONFIDENCE} AS confidence, ${LIFT} AS lift
         FROM c360_cross_sell_pairs p
         JOIN c360_cross_sell_products px ON px.sku = p.other_sku
         JOIN c360_cross_sell_products py ON py.sku = p.sku
        CROSS JOIN c360_cross_sell_totals t
        WHERE p.sku = $1 AND p.co_owners >= $2
     ), owners_of_target AS (
       SELECT DISTINCT coalesce(c.root_id, h.customer_id) AS customer_id
         FROM c360_cross_sell_holdings h
         LEFT JOIN c360_customers c ON c.customer_id = h.customer_id
        WHERE h.sku = $1 AND h.quantity > 0
     ), best AS (
       SELECT DISTINCT ON (e.customer_id) e.customer_id, r.because, r.lift, r.confidence
         FROM rules r
         JOIN c360_cross_sell_holdings h ON h.sku = r.because AND h.quantity > 0
         LEFT JOIN c360_customers c ON c.customer_id = h.customer_id
        CROSS JOIN LATERAL (SELECT coalesce(c.root_id, h.customer_id) AS customer_id) e
        WHERE r.lift > $3 AND NOT EXISTS (SELECT 1 FROM owners_of_target o WHERE o.customer_id = e.customer_id)
        ORDER BY e.customer_id, r.lift DESC, r.confidence DESC, r.because
     )
     SELECT b.customer_id AS "customerId", b.lift AS score, b.because
       -- ranked first, so the consent probes stop once the page is full
       FROM (SELECT * FROM best ORDER BY lift DESC, confidence DESC, customer_id) b
      CROSS JOIN LATERAL (
        SELECT m.granted
          FROM (SELECT b.customer_id AS id
                 UNION SELECT s.customer_id FROM c360_customers s WHERE s.root_id = b.customer_id) stream
          JOIN c360_cross_sell_marketing_consents m ON m.customer_id = stream.id
         ORDER BY m.occurred_at DESC, m.granted ASC LIMIT 1
      ) consent
      WHERE consent.granted
      ORDER BY b.lift DESC, b.confidence DESC, b.customer_id
      LIMIT $4 OFFSET $5`,
    [
      sku,
      options.minCoOwners ?? DEFAULT_MIN_CO_OWNERS,
      options.minLift ?? 1,
      options.limit ?? 100,
      options.offset ?? 0,
    ],
  )) as { customerId: string; score: number; because: string }[];
  return rows.map((r) => ({ ...r, reason: crossSellReason(r.because, sku, r.score) }));
}

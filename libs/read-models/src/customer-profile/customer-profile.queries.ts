import { combineProfiles, emptyCustomerProfile, LOYALTY_TIERS, type CustomerProfileState } from '@c360/domain';
import type { EntityManager } from 'typeorm';
import { profilePartsOf, type CustomerScoreRow } from './customer-scores.js';

/** The 360 state of a customer as shown: its own stream's fold combined with those merged into it. */
export async function combinedProfileOf(
  manager: EntityManager,
  rootId: string,
): Promise<{ profile: CustomerProfileState; streams: string[] }> {
  const parts = (await profilePartsOf(manager, [rootId])).get(rootId) ?? [];
  if (parts.length === 0) return { profile: emptyCustomerProfile(rootId), streams: [] };
  return { profile: combineProfiles(rootId, parts), streams: parts.map((p) => p.customerId).sort() };
}

export type RankBy = 'loyalty' | 'value' | 'churn-risk';

export interface ScoreFilter {
  by: RankBy;
  tier?: string;
  churnLevel?: string;
  mainChannel?: string;
  /** Leave out customers who never bought: a churn ranking is about buyers. */
  buyersOnly?: boolean;
  limit: number;
  offset: number;
}

/** A row of `c360_customer_scores` as rankings show it. */
export type RankedCustomer = Omit<CustomerScoreRow, 'firstPurchaseAt' | 'firstContactAt'>;

const ORDER: Record<RankBy, string> = {
  loyalty: 'loyalty_score DESC, customer_id',
  value: 'historical_spend DESC, customer_id',
  'churn-risk': 'churn_risk DESC, customer_id',
};

/** A page of `c360_customer_scores`, ranked; one more row than asked tells whether a next page exists. */
export async function rankCustomers(manager: EntityManager, filter: ScoreFilter): Promise<RankedCustomer[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.tier) add('tier = ?', filter.tier);
  if (filter.churnLevel) add('churn_level = ?', filter.churnLevel);
  if (filter.mainChannel) add('main_channel = ?', filter.mainChannel);
  if (filter.buyersOnly) where.push('orders > 0');
  params.push(filter.limit + 1, filter.offset);
  const rows = (await manager.query(
    `SELECT customer_id, loyalty_score, tier, churn_risk, churn_level, churn_reasons, currency, historical_spend,
            historical_margin, expected_value, orders, last_purchase_at, last_contact_at, open_complaints,
            marketing_consent, main_channel, scored_at
       FROM c360_customer_scores ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${ORDER[filter.by]} LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  )) as Record<string, unknown>[];
  return rows.map((r) => ({
    customerId: r.customer_id as string,
    loyaltyScore: Number(r.loyalty_score),
    tier: r.tier as string,
    churnRisk: Number(r.churn_risk),
    churnLevel: r.churn_level as string,
    churnReasons: r.churn_reasons as string[],
    currency: r.currency as string,
    historicalSpend: Number(r.historical_spend),
    historicalMargin: r.historical_margin === null ? null : Number(r.historical_margin),
    expectedValue: Number(r.expected_value),
    orders: Number(r.orders),
    lastPurchaseAt: r.last_purchase_at ? (r.last_purchase_at as Date).toISOString() : null,
    lastContactAt: r.last_contact_at ? (r.last_contact_at as Date).toISOString() : null,
    openComplaints: Number(r.open_complaints),
    marketingConsent: r.marketing_consent as boolean,
    mainChannel: (r.main_channel as string | null) ?? null,
    scoredAt: (r.scored_at as Date).toISOString(),
  }));
}

export interface DistributionBucket {
  bucket: string;
  customers: number;
  share: number;
  touchpoints?: number;
}

/** Customers per tier, or per channel they used (a customer counts once in each channel it used). */
export async function distributionOf(manager: EntityManager, by: 'tier' | 'channel'): Promise<DistributionBucket[]> {
  const total = Number(
    ((await manager.query('SELECT count(*) AS n FROM c360_customer_scores')) as { n: string }[])[0]!.n,
  );
  const share = (n: number) => (total === 0 ? 0 : Math.round((n / total) * 10000) / 10000);
  if (by === 'tier') {
    const rows = (await manager.query(
      `SELECT tier AS bucket, count(*) AS customers FROM c360_customer_scores GROUP BY tier
        ORDER BY array_position($1::text[], tier)`,
      [[...LOYALTY_TIERS].reverse()],
    )) as { bucket: string; customers: string }[];
    return rows.map((r) => ({ bucket: r.bucket, customers: Number(r.customers), share: share(Number(r.customers)) }));
  }
  const rows = (await manager.query(
    `SELECT t.channel AS bucket, count(DISTINCT coalesce(c.root_id, t.customer_id)) AS customers,
            sum(t.count) AS touchpoints
       FROM c360_touchpoint_counts t LEFT JOIN c360_customers c ON c.customer_id = t.customer_id
      GROUP BY t.channel ORDER BY customers DESC, t.channel`,
  )) as { bucket: string; customers: string; touchpoints: string }[];
  return rows.map((r) => ({
    bucket: r.bucket,
    customers: Number(r.customers),
    share: share(Number(r.customers)),
    touchpoints: Number(r.touchpoints),
  }));
}

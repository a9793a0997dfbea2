import {
  churnRisk,
  customerValue,
  hasMarketingConsent,
  loyaltyScore,
  openComplaints,
  type CustomerProfileState,
} from '@c360/domain';
import type { EntityManager } from 'typeorm';

/** The currency figures are kept in; spend in others is converted only where a rate is configured. */
export const BASE_CURRENCY = 'EUR';

/** Injection token of the clock scores are computed against: `() => Date`. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;

/** A customer's row of `c360_customer_scores`: what rankings and analytics sort and filter on. */
export interface CustomerScoreRow {
  customerId: string;
  loyaltyScore: number;
  tier: string;
  churnRisk: number;
  churnLevel: string;
  churnReasons: string[];
  currency: string;
  historicalSpend: number;
  historicalMargin: number | null;
  expectedValue: number;
  orders: number;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  firstContactAt: string | null;
  lastContactAt: string | null;
  openComplaints: number;
  marketingConsent: boolean;
  mainChannel: string | null;
  scoredAt: string;
}

/** Pure: the score row of a (combined) profile as of `now`. */
export function scoreRowOf(profile: CustomerProfileState, now: Date): CustomerScoreRow {
  const loyalty = loyaltyScore(profile, now);
  const churn = churnRisk(profile, now);
  const value = customerValue(profile, now, BASE_CURRENCY, { churn });
  const channels = Object.entries(profile.countsByChannel).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return {
    customerId: profile.customerId,
    loyaltyScore: loyalty.score,
    tier: loyalty.tier,
    churnRisk: churn.score,
    churnLevel: churn.level,
    churnReasons: churn.reasons,
    currency: value.currency,
    historicalSpend: value.historicalSpend,
    historicalMargin: value.historicalMargin,
    expectedValue: value.expectedNext12Months,
    orders: value.orders,
    firstPurchaseAt: profile.purchases.firstAt,
    lastPurchaseAt: profile.purchases.lastAt,
    firstContactAt: profile.firstContactAt,
    lastContactAt: profile.lastContactAt,
    openComplaints: openComplaints(profile).length,
    marketingConsent: hasMarketingConsent(profile),
    mainChannel: channels[0]?.[0] ?? null,
    scoredAt: now.toISOString(),
  };
}

/** Each stream's customer as shown (its root); a stream the identity index does not know is its own. */
export async function rootsOf(manager: EntityManager, customerIds: string[]): Promise<Map<string, string>> {
  const rows = (await manager.query(
    'SELECT customer_id, root_id FROM c360_customers WHERE customer_id = ANY($1::text[])',
    [customerIds],
  )) as { customer_id: string; root_id: string }[];
  const roots = new Map(customerIds.map((id) => [id, id]));
  for (const row of rows) roots.set(row.customer_id, row.root_id);
  return roots;
}

/**
 * The profile parts of every stream shown as each of these roots, grouped by root. `known` holds states the
 * caller already has (a projection batch's folds): only the others are read.
 */
export async function profilePartsOf(
  manager: EntityManager,
  rootIds: string[],
  known: ReadonlyMap<string, CustomerProfileState> = new Map(),
): Promise<Map<string, CustomerProfileState[]>> {
  // the few streams merged into these roots (c360_customers_merged)
  const merged = (await manager.query(
    `SELECT root_id, customer_id FROM c360_customers
      WHERE (root_id <> customer_id) AND root_id = ANY($1::text[])`,
    [rootIds],
  )) as { root_id: string; customer_id: string }[];
  const members = new Map(rootIds.map((id) => [id, [id]]));
  for (const row of merged) members.get(row.root_id)!.push(row.customer_id);
  const missing = [...members.values()].flat().filter((id) => !known.has(id));
  const stored =
    missing.length === 0
      ? []
      : ((await manager.query(
          'SELECT customer_id, state FROM c360_customer_profiles WHERE customer_id = ANY($1::text[])',
          [missing],
        )) as { customer_id: string; state: CustomerProfileState }[]);
  const states = new Map(stored.map((row) => [row.customer_id, row.state]));
  const parts = new Map<string, CustomerProfileState[]>();
  for (const [rootId, ids] of members) {
    const list = ids.flatMap((id) => known.get(id) ?? states.get(id) ?? []);
    if (list.length > 0) parts.set(rootId, list);
  }
  return parts;
}

/** Writes score rows, replacing what was there. */
export async function saveScores(manager: EntityManager, rows: CustomerScoreRow[]): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO c360_customer_scores AS s (customer_id, loyalty_score, tier, churn_risk, churn_level, churn_reasons,
            currency, historical_spend, historical_margin, expected_value, orders, first_purchase_at, last_purchase_at,
            first_contact_at, last_contact_at, open_complaints, marketing_consent, main_channel, scored_at)
     SELECT r."customerId", r."loyaltyScore", r.tier, r."churnRisk", r."churnLevel", r."churnReasons", r.currency,
            r."historicalSpend", r."historicalMargin", r."expectedValue", r.orders, r."firstPurchaseAt",
            r."lastPurchaseAt", r."firstContactAt", r."lastContactAt", r."openComplaints", r."marketingConsent",
            r."mainChannel", r."scoredAt"
       FROM json_to_recordset($1::json) AS r("customerId" text, "loyaltyScore" smallint, tier text,
            "churnRisk" smallint, "churnLevel" text, "churnReasons" jsonb, currency text, "historicalSpend" numeric,
            "historicalMargin" numeric, "expectedValue" numeric, orders integer, "firstPurchaseAt" timestamptz,
            "lastPurchaseAt" timestamptz, "firstContactAt" timestamptz, "lastContactAt" timestamptz,
            "openComplaints" integer, "marketingConsent" boolean, "mainChannel" text, "scoredAt" timestamptz)
     ON CONFLICT (customer_id) DO UPDATE SET
            loyalty_score = EXCLUDED.loyalty_score, tier = EXCLUDED.tier, churn_risk = EXCLUDED.churn_risk,
            churn_level = EXCLUDED.churn_level, churn_reasons = EXCLUDED.churn_reasons, currency = EXCLUDED.currency,
            historical_spend = EXCLUDED.historical_spend, historical_margin = EXCLUDED.historical_margin,
            expected_value = EXCLUDED.expected_value, orders = EXCLUDED.orders,
            first_purchase_at = EXCLUDED.first_purchase_at, last_purchase_at = EXCLUDED.last_purchase_at,
            first_contact_at = EXCLUDED.first_contact_at, last_contact_at = EXCLUDED.last_contact_at,
            open_complaints = EXCLUDED.open_complaints, marketing_consent = EXCLUDED.marketing_consent,
            main_channel = EXCLUDED.main_channel, scored_at = EXCLUDED.scored_at
      -- the refresher scores outside the projector: a later score is never replaced by an earlier one
      WHERE EXCLUDED.scored_at >= s.scored_at`,
    [JSON.stringify(rows)],
  );
}

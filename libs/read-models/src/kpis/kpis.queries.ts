import {
  DAY_MS,
  cohortsOf,
  relationshipKpis,
  serviceImpact,
  survivalCurves,
  type Cohort,
  type CustomerDay,
  type CustomerHistory,
  type KpiWindow,
  type RelationshipKpis,
  type ServiceExperience,
  type ServiceImpact,
  type SpendFact,
  type SurvivalGroup,
} from '@c360/domain';
import type { EntityManager } from 'typeorm';

// Every fact is shown under the customer its stream is shown as now (merges are applied at query time).
const SHOWN_AS = 'coalesce(c.root_id, f.customer_id)';
const MS = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

const monthStart = (instant: number) => {
  const d = new Date(instant);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};

/**
 * Each customer's purchases and returns up to `asOf`, in time order: whole months before `asOf`'s month as one
 * entry each (from `c360_kpi_customer_months`), `asOf`'s month and the `dayMonths` (instants whose month a caller
 * cuts inside) per UTC day from the facts. Every KPI looks purchases up only at period bounds, at `asOf` and at
 * those instants, so a month entry never straddles an instant asked and the answers equal a day-by-day reading.
 * Rows are read as they are and summed here: PostgreSQL's numeric sums and text sorts cost more than the transfer.
 */
export async function customerHistoriesAsOf(
  manager: EntityManager,
  asOf: number,
  dayMonths: number[] = [],
): Promise<CustomerHistory[]> {
  const cut = monthStart(asOf);
  const exact = [...new Set(dayMonths.map(monthStart).filter((m) => m < cut))].map((m) => new Date(m));
  const [months, rows, channels] = await Promise.all([
    manager.query(
      `SELECT ${SHOWN_AS} AS customer, ${MS("f.month::timestamp AT TIME ZONE 'UTC'")} AS at, f.orders,
              f.revenue::float8 AS revenue, f.costed_revenue::float8 AS costed, f.cost::float8 AS cost,
              ${MS('f.first_purchase_at')} AS first, ${MS('f.last_purchase_at')} AS last
         FROM c360_kpi_customer_months f LEFT JOIN c360_customers c ON c.customer_id = f.customer_id
        WHERE f.month < $1::date AND NOT (f.month = ANY($2::date[]))`,
      [new Date(cut), exact],
    ) as Promise<
      {
        customer: string;
        at: number;
        orders: number;
        revenue: number;
        costed: number;
        cost: number;
        first: number | null;
        last: number | null;
      }[]
    >,
    manager.query(
      `SELECT ${SHOWN_AS} AS customer, date_part('epoch', f.occurred_at) * 1000 AS at, f.orders,
              f.revenue::float8 AS revenue, f.costed_revenue::float8 AS costed, f.cost::float8 AS cost
         FROM c360_kpi_purchases f LEFT JOIN c360_customers c ON c.customer_id = f.customer_id
        WHERE (f.occurred_at >= $1 AND f.occurred_at <= $2)
           OR date_trunc('month', f.occurred_at AT TIME ZONE 'UTC')::date = ANY($3::date[])`,
      [new Date(cut), new Date(asOf), exact],
    ) as Promise<{ customer: string; at: number; orders: number; revenue: number; costed: number; cost: number }[]>,
    manager.query(
      `SELECT ${SHOWN_AS} AS customer, f.channel, f.occurred_at
         FROM c360_kpi_first_touchpoints f LEFT JOIN c360_customers c ON c.customer_id = f.customer_id
        WHERE f.occurred_at <= $1`,
      [new Date(asOf)],
    ) as Promise<{ customer: string; channel: string; occurred_at: Date }[]>,
  ]);
  const firstTouch = new Map<string, { channel: string; at: number }>();
  for (const r of channels) {
    const at = r.occurred_at.getTime();
    const known = firstTouch.get(r.customer);
    if (!known || at < known.at || (at === known.at && r.channel < known.channel))
      firstTouch.set(r.customer, { channel: r.channel, at });
  }
  // streams merged into one customer add up per month (or day)
  const byCustomer = new Map<string, Map<number, CustomerDay>>();
  const add = (customer: string, day: number, r: (typeof rows)[number], first: number | null, last: number | null) => {
    let days = byCustomer.get(customer);
    if (!days) byCustomer.set(customer, (days = new Map()));
    let d = days.get(day);
    if (!d) {
      d = { day, firstPurchaseAt: null, lastPurchaseAt: null, orders: 0, revenue: 0, costedRevenue: 0, cost: 0 };
      days.set(day, d);
    }
    d.orders += r.orders;
    d.revenue += r.revenue;
    d.costedRevenue += r.costed;
    d.cost += r.cost;
    if (first !== null && (d.firstPurchaseAt === null || first < d.firstPurchaseAt)) d.firstPurchaseAt = first;
    if (last !== null && (d.lastPurchaseAt === null || last > d.lastPurchaseAt)) d.lastPurchaseAt = last;
  };
  for (const r of months) add(r.customer, r.at, r, r.first, r.last);
  for (const r of rows) {
    const at = r.orders > 0 ? r.at : null;
    add(r.customer, Math.floor(r.at / DAY_MS) * DAY_MS, r, at, at);
  }
  return [...byCustomer.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([customerId, days]) => ({
      customerId,
      days: [...days.values()].sort((a, b) => a.day - b.day),
      firstChannel: firstTouch.get(customerId)?.channel ?? null,
    }));
}

/** Marketing spend recorded up to `asOf`, each over its days [periodStart, periodEnd]. */
export async function marketingSpendAsOf(manager: EntityManager, asOf: number): Promise<SpendFact[]> {
  return (await manager.query(
    `SELECT channel, amount::float8 AS amount, ${MS('period_start')} AS start, ${MS('period_end + 1')} AS "end"
       FROM c360_kpi_marketing_spend WHERE occurred_at <= $1`,
    [new Date(asOf)],
  )) as SpendFact[];
}

/** Complaint cases and NPS answers up to `asOf`, per customer as shown; a resolution after `asOf` is not one yet. */
export async function serviceExperiencesAsOf(
  manager: EntityManager,
  asOf: number,
): Promise<Map<string, ServiceExperience>> {
  const complaints = (await manager.query(
    `SELECT ${SHOWN_AS} AS customer, ${MS('f.opened_at')} AS "openedAt",
            CASE WHEN f.resolved_at <= $1 THEN ${MS('f.resolved_at')} END AS "resolvedAt"
       FROM c360_kpi_complaints f LEFT JOIN c360_customers c ON c.customer_id = f.customer_id
      WHERE f.opened_at <= $1`,
    [new Date(asOf)],
  )) as { customer: string; openedAt: number; resolvedAt: number | null }[];
  const nps = (await manager.query(
    `SELECT ${SHOWN_AS} AS customer, ${MS('f.occurred_at')} AS at, f.nps AS score
       FROM c360_kpi_nps f LEFT JOIN c360_customers c ON c.customer_id = f.customer_id
      WHERE f.occurred_at <= $1`,
    [new Date(asOf)],
  )) as { customer: string; at: number; score: number }[];
  const experiences = new Map<string, ServiceExperience>();
  const of = (customer: string) => {
    const known = experiences.get(customer) ?? { complaints: [], nps: [] };
    experiences.set(customer, known);
    return known;
  };
  for (const { customer, ...c } of complaints) of(customer).complaints.push(c);
  for (const { customer, ...a } of nps) of(customer).nps.push(a);
  return experiences;
}

export async function relationshipKpisAsOf(manager: EntityManager, window: KpiWindow): Promise<RelationshipKpis> {
  const [histories, spend] = await Promise.all([
    customerHistoriesAsOf(manager, window.asOf),
    marketingSpendAsOf(manager, window.asOf),
  ]);
  return relationshipKpis(histories, spend, window);
}

export async function cohortsAsOf(
  manager: EntityManager,
  window: Pick<KpiWindow, 'period' | 'from' | 'to' | 'asOf'>,
): Promise<Cohort[]> {
  return cohortsOf(await customerHistoriesAsOf(manager, window.asOf), window);
}

export const SURVIVAL_GROUPINGS = ['none', 'tier', 'channel'] as const;
export type SurvivalGrouping = (typeof SURVIVAL_GROUPINGS)[number];

/**
 * Kaplan–Meier curves per loyalty tier (the tier scored now: scores are not kept per instant), per channel of
 * the first touchpoint, or for everyone.
 */
export async function survivalAsOf(
  manager: EntityManager,
  by: SurvivalGrouping,
  asOf: number,
  churnAfterDays: number,
): Promise<SurvivalGroup[]> {
  const histories = await customerHistoriesAsOf(manager, asOf);
  if (by === 'none') return survivalCurves(histories, () => 'all', asOf, churnAfterDays);
  if (by === 'channel') return survivalCurves(histories, (h) => h.firstChannel, asOf, churnAfterDays);
  const tiers = (await manager.query('SELECT customer_id, tier FROM c360_customer_scores')) as {
    customer_id: string;
    tier: string;
  }[];
  const tierOf = new Map(tiers.map((t) => [t.customer_id, t.tier]));
  return survivalCurves(histories, (h) => tierOf.get(h.customerId), asOf, churnAfterDays);
}

export async function serviceImpactAsOf(
  manager: EntityManager,
  window: { from: number; to: number; asOf: number; churnAfterDays: number },
): Promise<ServiceImpact> {
  // the window's ends are cut inside their months: those months are read day by day
  const [histories, experiences] = await Promise.all([
    customerHistoriesAsOf(manager, window.asOf, [window.from, window.to, window.to - 1]),
    serviceExperiencesAsOf(manager, window.asOf),
  ]);
  return serviceImpact(histories, (id) => experiences.get(id), window);
}

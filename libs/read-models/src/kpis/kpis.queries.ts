import {
  DAY_MS,
  addPeriodTallies,
  cohortTallies,
  cohortsFromTallies,
  kpisFromTallies,
  lifetimeSubjects,
  periodTallies,
  relationshipKpis,
  addServiceImpactTallies,
  serviceImpact,
  serviceImpactFromTallies,
  serviceImpactTallies,
  survivalCurvesOf,
  survivalSubjects,
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
import {
  cohortTalliesFromAggregates,
  lifetimesFromAggregates,
  mergedStreams,
  monthStart,
  periodTalliesFromAggregates,
  serviceImpactFromAggregates,
  utcDay,
  inTurn,
} from './kpi-aggregates.js';
import { SILENCE_FLOOR_DAYS } from './kpi-derived-rows.js';

export { SILENCE_FLOOR_DAYS };

// Every fact is shown under the customer its stream is shown as now (merges are applied at query time).
const SHOWN_AS = 'coalesce(c.root_id, f.customer_id)';
const MS = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * The identity rows to show the facts with: all of them, or only those of `streams`' own rows (the same answer
 * when the facts are of those streams only, without hashing every customer). `param` is the streams' parameter.
 */
const shownFrom = (streams: string[] | undefined, param: string) =>
  streams === undefined
    ? 'c360_customers'
    : `(SELECT customer_id, root_id FROM c360_customers WHERE customer_id = ANY(${param}::text[]))`;

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
  /** Only these streams, when given. */
  streams?: string[],
): Promise<CustomerHistory[]> {
  const only = streams === undefined ? '' : 'AND f.customer_id = ANY($4::text[])';
  const only3 = streams === undefined ? '' : 'AND f.customer_id = ANY($3::text[])';
  const only2 = streams === undefined ? '' : 'AND f.customer_id = ANY($2::text[])';
  const extra = streams === undefined ? [] : [streams];
  const cut = monthStart(asOf);
  const exact = [...new Set(dayMonths.map(monthStart).filter((m) => m < cut))].map(utcDay);
  const [months, rows, channels] = await inTurn(
    () =>
      manager.query(
        `SELECT ${SHOWN_AS} AS customer, ${MS("f.month::timestamp AT TIME ZONE 'UTC'")} AS at, f.orders,
              f.revenue::float8 AS revenue, f.costed_revenue::float8 AS costed, f.cost::float8 AS cost,
              ${MS('f.first_purchase_at')} AS first, ${MS('f.last_purchase_at')} AS last
         FROM c360_kpi_customer_months f LEFT JOIN ${shownFrom(streams, '$3')} c ON c.customer_id = f.customer_id
        WHERE f.month < $1::date AND NOT (f.month = ANY($2::date[])) ${only3}`,
        [utcDay(cut), exact, ...extra],
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
    () =>
      manager.query(
        `SELECT ${SHOWN_AS} AS customer, date_part('epoch', f.occurred_at) * 1000 AS at, f.orders,
              f.revenue::float8 AS revenue, f.costed_revenue::float8 AS costed, f.cost::float8 AS cost
         FROM c360_kpi_purchases f LEFT JOIN ${shownFrom(streams, '$4')} c ON c.customer_id = f.customer_id
        WHERE ((f.occurred_at >= $1 AND f.occurred_at <= $2)
           OR date_trunc('month', f.occurred_at AT TIME ZONE 'UTC')::date = ANY($3::date[])) ${only}`,
        [new Date(cut), new Date(asOf), exact, ...extra],
      ) as Promise<{ customer: string; at: number; orders: number; revenue: number; costed: number; cost: number }[]>,
    () =>
      manager.query(
        `SELECT ${SHOWN_AS} AS customer, f.channel, f.occurred_at
         FROM c360_kpi_first_touchpoints f LEFT JOIN ${shownFrom(streams, '$2')} c ON c.customer_id = f.customer_id
        WHERE f.occurred_at <= $1 ${only2}`,
        [new Date(asOf), ...extra],
      ) as Promise<{ customer: string; channel: string; occurred_at: Date }[]>,
  );
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
  /** Only these streams, when given. */
  streams?: string[],
): Promise<Map<string, ServiceExperience>> {
  const only = streams === undefined ? '' : 'AND f.customer_id = ANY($2::text[])';
  const extra = streams === undefined ? [] : [streams];
  const complaints = (await manager.query(
    `SELECT ${SHOWN_AS} AS customer, ${MS('f.opened_at')} AS "openedAt",
            CASE WHEN f.resolved_at <= $1 THEN ${MS('f.resolved_at')} END AS "resolvedAt"
       FROM c360_kpi_complaints f LEFT JOIN ${shownFrom(streams, '$2')} c ON c.customer_id = f.customer_id
      WHERE f.opened_at <= $1 ${only}`,
    [new Date(asOf), ...extra],
  )) as { customer: string; openedAt: number; resolvedAt: number | null }[];
  const nps = (await manager.query(
    `SELECT ${SHOWN_AS} AS customer, ${MS('f.occurred_at')} AS at, f.nps AS score
       FROM c360_kpi_nps f LEFT JOIN ${shownFrom(streams, '$2')} c ON c.customer_id = f.customer_id
      WHERE f.occurred_at <= $1 ${only}`,
    [new Date(asOf), ...extra],
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

/**
 * Every period figure as of `window.asOf`. Streams shown as themselves are counted by SQL aggregates over the
 * derived rows; the few merged customers are counted from their histories, and both counts add up. A
 * `churnAfterDays` below `SILENCE_FLOOR_DAYS` breaks spans at silences that are not kept: every customer's
 * history is read then.
 */
export async function relationshipKpisAsOf(manager: EntityManager, window: KpiWindow): Promise<RelationshipKpis> {
  if (window.churnAfterDays < SILENCE_FLOOR_DAYS) {
    const [histories, spend] = await inTurn(
      () => customerHistoriesAsOf(manager, window.asOf),
      () => marketingSpendAsOf(manager, window.asOf),
    );
    return relationshipKpis(histories, spend, window);
  }
  return inOneSnapshot(manager, async (m) => {
    const merged = await mergedStreams(m);
    const tallies = await periodTalliesFromAggregates(m, window, merged);
    const lifetimes = await lifetimesFromAggregates(m, 'none', window.asOf, merged, window.churnAfterDays);
    const histories = await customerHistoriesAsOf(m, window.asOf, [], merged);
    const spend = await marketingSpendAsOf(m, window.asOf);
    return kpisFromTallies(
      addPeriodTallies(tallies, periodTallies(histories, window)),
      [...(lifetimes.get('all') ?? []), ...lifetimeSubjects(histories, window.asOf, window.churnAfterDays)],
      spend,
      window,
    );
  });
}

export async function cohortsAsOf(
  manager: EntityManager,
  window: Pick<KpiWindow, 'period' | 'from' | 'to' | 'asOf'>,
): Promise<Cohort[]> {
  return inOneSnapshot(manager, async (m) => {
    const merged = await mergedStreams(m);
    const tallies = await cohortTalliesFromAggregates(m, window, merged);
    const histories = await customerHistoriesAsOf(m, window.asOf, [], merged);
    return cohortsFromTallies(cohortTallies(histories, window, tallies), window.period);
  });
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
  const read = async (m: EntityManager, merged?: string[]) => {
    const groups = merged ? await lifetimesFromAggregates(m, by, asOf, merged, churnAfterDays) : undefined;
    const histories = await customerHistoriesAsOf(m, asOf, [], merged);
    const tiers =
      by === 'tier' && histories.length > 0
        ? ((await m.query('SELECT customer_id, tier FROM c360_customer_scores WHERE customer_id = ANY($1::text[])', [
            histories.map((h) => h.customerId),
          ])) as { customer_id: string; tier: string }[])
        : [];
    const tierOf = new Map(tiers.map((t) => [t.customer_id, t.tier]));
    const groupOf = (h: CustomerHistory) =>
      by === 'none' ? 'all' : by === 'channel' ? h.firstChannel : tierOf.get(h.customerId);
    return survivalCurvesOf(survivalSubjects(histories, groupOf, asOf, churnAfterDays, groups));
  };
  if (churnAfterDays < SILENCE_FLOOR_DAYS) return read(manager);
  return inOneSnapshot(manager, async (m) => read(m, await mergedStreams(m)));
}

/**
 * The service impact of `[from, to]` as of `asOf`. With a `churnAfterDays` of at least `SILENCE_FLOOR_DAYS` (and
 * `from` ≤ `asOf`), the streams shown as themselves are counted by SQL aggregates and the few merged customers
 * from their histories, their resolution times joining the median; otherwise every history is read.
 */
export async function serviceImpactAsOf(
  manager: EntityManager,
  window: { from: number; to: number; asOf: number; churnAfterDays: number },
): Promise<ServiceImpact> {
  // the window's ends are cut inside their months: those months are read day by day
  const dayMonths = [window.from, window.to, window.to - 1];
  if (window.churnAfterDays < SILENCE_FLOOR_DAYS || window.from > window.asOf) {
    const [histories, experiences] = await inTurn(
      () => customerHistoriesAsOf(manager, window.asOf, dayMonths),
      () => serviceExperiencesAsOf(manager, window.asOf),
    );
    return serviceImpact(histories, (id) => experiences.get(id), window);
  }
  return inOneSnapshot(manager, async (m) => {
    const merged = await mergedStreams(m);
    const histories = await customerHistoriesAsOf(m, window.asOf, dayMonths, merged);
    const experiences = await serviceExperiencesAsOf(m, window.asOf, merged);
    const slow = serviceImpactTallies(histories, (id) => experiences.get(id), window);
    const fast = await serviceImpactFromAggregates(m, window, merged, slow.resolutionMs);
    return serviceImpactFromTallies(addServiceImpactTallies(fast.tallies, slow), window, fast.median);
  });
}

/**
 * Runs the reads of one answer in one read-only snapshot, so the aggregates and the histories added to them see
 * the same projected facts, without JIT compilation: the planner's estimates over CTEs run high enough to
 * trigger it, and compiling costs more than the statement (~0.8 s against ~0.1 s at 50k customers) — with room
 * for the per-customer sorts and hashes in memory, and without merge joins: over CTEs the planner takes every
 * join for a blow-up and walks a whole table in key order (or sorts text keys) to merge it with a few thousand
 * rows, where a hash join of the few thousand is several times faster.
 */
async function inOneSnapshot<T>(manager: EntityManager, read: (manager: EntityManager) => Promise<T>): Promise<T> {
  const settings = async (m: EntityManager) => {
    await m.query(`SET LOCAL jit = off`);
    await m.query(`SET LOCAL work_mem = '32MB'`);
    await m.query('SET LOCAL enable_mergejoin = off');
  };
  if (manager.queryRunner?.isTransactionActive) {
    await settings(manager);
    return read(manager);
  }
  return manager.transaction('REPEATABLE READ', async (m) => {
    await m.query('SET TRANSACTION READ ONLY');
    await settings(m);
    return read(m);
  });
}

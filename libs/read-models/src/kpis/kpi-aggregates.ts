import {
  DAY_MS,
  cohortBounds,
  cohortTally,
  emptyPeriodTallies,
  periodEnd,
  periodOrdinal,
  periodStart,
  windowOrdinals,
  type CohortTally,
  type KpiPeriod,
  type KpiWindow,
  type PeriodTallies,
  type SurvivalSubject,
} from '@c360/domain';
import type { EntityManager } from 'typeorm';
import { DEFAULT_CHURN_AFTER_DAYS } from './kpi-derived-rows.js';

/**
 * The KPI figures as SQL aggregates over the `kpis` projection's derived rows (month summaries with their
 * previous active month, alive spans for the default `churnAfterDays`), for every stream shown as itself: only
 * per-period (or per-lifetime-day) counts travel to Node. Streams of a merged customer are left out (`except`):
 * their spans differ once their purchases are put together, so the caller counts those few from their histories.
 */

const STEP: Record<KpiPeriod, string> = { month: '1 month', quarter: '3 months', year: '1 year' };
const CHURN_MS = DEFAULT_CHURN_AFTER_DAYS * DAY_MS;

const monthStart = (instant: number) => {
  const d = new Date(instant);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
/** ms of the start of the period (UTC) of a timestamptz column. */
const periodOf = (column: string) =>
  `(extract(epoch FROM date_trunc($1, ${column} AT TIME ZONE 'UTC')) * 1000)::float8`;
/** ms of the start of the period of a month (date) column. */
const periodOfMonth = (column: string) => `(extract(epoch FROM date_trunc($1, ${column}::timestamp)) * 1000)::float8`;
/** The start of the period of a month column, as a timestamp. */
const monthPeriod = (column: string) => `date_trunc($1, ${column}::timestamp)`;

/** The streams of merged customers (members and roots): the fast readings leave them out. */
export async function mergedStreams(manager: EntityManager): Promise<string[]> {
  const rows = (await manager.query(
    `SELECT DISTINCT unnest(ARRAY[customer_id, root_id]) AS stream FROM c360_customers
      WHERE root_id IN (SELECT root_id FROM c360_customers WHERE root_id <> customer_id)`,
  )) as { stream: string }[];
  return rows.map((r) => r.stream);
}

/** Active, new, retained, revenue and margin per period, and alive/churned for the default threshold. */
export async function periodTalliesFromAggregates(
  manager: EntityManager,
  window: KpiWindow,
  except: string[],
): Promise<PeriodTallies> {
  const { period, asOf } = window;
  const tallies = emptyPeriodTallies(window);
  const ordinals = windowOrdinals(window);
  if (ordinals.length === 0) return tallies;
  const { firstOrdinal } = tallies;
  const n = ordinals.length;
  const lo = periodStart(firstOrdinal - 1, period);
  const start1 = periodStart(firstOrdinal, period);
  const lastStart = periodStart(firstOrdinal + n - 1, period);
  const hi = periodEnd(firstOrdinal + n - 1, period);
  const asOfMonth = monthStart(asOf);
  const index = (at: number) => periodOrdinal(at, period) - firstOrdinal + 1;
  const inRange = (i: number) => i >= 0 && i <= n;
  const date = (ms: number) => new Date(ms);
  const [months, fresh, lastMonth, spans, ends, comebacks] = await Promise.all([
    // a customer is active in P on its first month of P with a purchase (by asOf): previous active month before P
    manager.query(
      `SELECT ${periodOfMonth('m.month')} AS at,
              count(*) FILTER (WHERE m.first_purchase_at <= $2 AND (m.previous_active_month IS NULL
                               OR m.previous_active_month < ${monthPeriod('m.month')}))::int AS active,
              count(*) FILTER (WHERE m.first_purchase_at <= $2
                               AND m.previous_active_month >= ${monthPeriod('m.month')} - $7::interval
                               AND m.previous_active_month < ${monthPeriod('m.month')})::int AS retained,
              coalesce(sum(m.revenue) FILTER (WHERE m.month < $5), 0)::float8 AS revenue,
              coalesce(sum(m.costed_revenue) FILTER (WHERE m.month < $5), 0)::float8 AS costed,
              coalesce(sum(m.cost) FILTER (WHERE m.month < $5), 0)::float8 AS cost
         FROM c360_kpi_customer_months m
        WHERE m.month >= $3 AND m.month < $4 AND m.month <= $5 AND m.customer_id <> ALL($6::text[])
        GROUP BY 1`,
      [period, date(asOf), date(lo), date(hi), date(asOfMonth), except, STEP[period]],
    ) as Promise<{ at: number; active: number; retained: number; revenue: number; costed: number; cost: number }[]>,
    manager.query(
      `SELECT ${periodOfMonth('m.month')} AS at,
              coalesce(CASE WHEN t.occurred_at <= $2 THEN t.channel END, 'unknown') AS channel, count(*)::int AS n
         FROM c360_kpi_customer_months m LEFT JOIN c360_kpi_first_touchpoints t ON t.customer_id = m.customer_id
        WHERE m.month >= $3 AND m.month < $4 AND m.month <= $5 AND m.customer_id <> ALL($6::text[])
          AND m.previous_active_month IS NULL AND m.first_purchase_at <= $2
        GROUP BY 1, 2`,
      [period, date(asOf), date(lo), date(hi), date(asOfMonth), except],
    ) as Promise<{ at: number; channel: string; n: number }[]>,
    // asOf's own month, cut at asOf, from the facts
    asOfMonth >= lo && asOfMonth < hi
      ? (manager.query(
          `SELECT coalesce(sum(revenue), 0)::float8 AS revenue, coalesce(sum(costed_revenue), 0)::float8 AS costed,
                  coalesce(sum(cost), 0)::float8 AS cost
             FROM c360_kpi_purchases WHERE occurred_at >= $1 AND occurred_at <= $2 AND customer_id <> ALL($3::text[])`,
          [date(asOfMonth), date(asOf), except],
        ) as Promise<{ revenue: number; costed: number; cost: number }[]>)
      : Promise.resolve([]),
    // alive at t = spans started before t − spans churned before t (a stream's spans are disjoint)
    window.churnAfterDays === DEFAULT_CHURN_AFTER_DAYS
      ? (manager.query(
          `SELECT ${periodOf('started_at')} AS at, count(*)::int AS n, 'start' AS kind
             FROM c360_kpi_customer_lives WHERE started_at < $2 AND customer_id <> ALL($3::text[]) GROUP BY 1
           UNION ALL
           SELECT ${periodOf('churn_at')} AS at, count(*)::int AS n, 'churn' AS kind
             FROM c360_kpi_customer_lives WHERE churn_at < $2 AND customer_id <> ALL($3::text[]) GROUP BY 1`,
          [period, date(lastStart), except],
        ) as Promise<{ at: number; n: number; kind: 'start' | 'churn' }[]>)
      : Promise.resolve([]),
    // churned in P: a span alive at P's start ends in P (before asOf, if sooner) ...
    window.churnAfterDays === DEFAULT_CHURN_AFTER_DAYS
      ? (manager.query(
          `SELECT ${periodOf('churn_at')} AS at, count(*)::int AS n
             FROM c360_kpi_customer_lives
            WHERE churn_at >= $2 AND churn_at < $3 AND customer_id <> ALL($4::text[])
              AND started_at < date_trunc($1, churn_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
            GROUP BY 1`,
          [period, date(start1), date(Math.min(hi, asOf)), except],
        ) as Promise<{ at: number; n: number }[]>)
      : Promise.resolve([]),
    // ... unless a later span of the customer (a comeback in P) covers P's end (or asOf)
    window.churnAfterDays === DEFAULT_CHURN_AFTER_DAYS
      ? (manager.query(
          `SELECT ${periodOf('j.started_at')} AS at, count(*)::int AS n
             FROM c360_kpi_customer_lives j
             JOIN c360_kpi_customer_lives k ON k.customer_id = j.customer_id
            WHERE j.started_at > j.first_purchase_at AND j.started_at >= $2 AND j.started_at < $3
              AND j.started_at <= $4 AND j.customer_id <> ALL($5::text[])
              AND j.churn_at >= least((date_trunc($1, j.started_at AT TIME ZONE 'UTC') + $6::interval) AT TIME ZONE 'UTC', $4)
              AND k.started_at < date_trunc($1, j.started_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
              AND k.churn_at >= date_trunc($1, j.started_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
            GROUP BY 1`,
          [period, date(start1), date(hi), date(asOf), except, STEP[period]],
        ) as Promise<{ at: number; n: number }[]>)
      : Promise.resolve([]),
  ]);
  for (const r of months) {
    const i = index(r.at);
    if (!inRange(i)) continue;
    tallies.active[i]! += r.active;
    tallies.retained[i]! += r.retained;
    tallies.revenue[i]! += r.revenue;
    tallies.costedRevenue[i]! += r.costed;
    tallies.cost[i]! += r.cost;
  }
  for (const r of fresh) {
    const i = index(r.at);
    if (!inRange(i)) continue;
    tallies.fresh[i]! += r.n;
    tallies.freshByChannel[i]!.set(r.channel, (tallies.freshByChannel[i]!.get(r.channel) ?? 0) + r.n);
  }
  for (const r of lastMonth) {
    const i = index(asOfMonth);
    tallies.revenue[i]! += r.revenue;
    tallies.costedRevenue[i]! += r.costed;
    tallies.cost[i]! += r.cost;
  }
  if (window.churnAfterDays !== DEFAULT_CHURN_AFTER_DAYS) return tallies;
  for (let i = 1; i <= n; i++) {
    const start = periodStart(firstOrdinal + i - 1, period);
    // spans started (churned) in a period before P's: before P's start
    for (const r of spans) if (r.at < start) tallies.atStart[i]! += r.kind === 'start' ? r.n : -r.n;
  }
  for (const r of ends) if (inRange(index(r.at))) tallies.churned[index(r.at)]! += r.n;
  for (const r of comebacks) if (inRange(index(r.at))) tallies.churned[index(r.at)]! -= r.n;
  return tallies;
}

/** Cohort sizes, retention and revenue by period, from the month summaries (and asOf's month from the facts). */
export async function cohortTalliesFromAggregates(
  manager: EntityManager,
  window: Pick<KpiWindow, 'period' | 'from' | 'to' | 'asOf'>,
  except: string[],
): Promise<Map<number, CohortTally>> {
  const { period, asOf } = window;
  const { first, last } = cohortBounds(window);
  const cohorts = new Map<number, CohortTally>();
  if (last < first) return cohorts;
  const firstStart = new Date(periodStart(first, period));
  const lastEnd = periodEnd(last, period);
  const asOfMonth = monthStart(asOf);
  const [rows, lastMonth] = await Promise.all([
    manager.query(
      `SELECT ${periodOfMonth('m.first_active_month')} AS cohort, ${periodOfMonth('m.month')} AS at,
              count(*) FILTER (WHERE m.month = m.first_active_month AND m.first_purchase_at <= $2)::int AS size,
              count(*) FILTER (WHERE m.first_purchase_at <= $2 AND (m.previous_active_month IS NULL
                               OR m.previous_active_month < ${monthPeriod('m.month')}))::int AS active,
              coalesce(sum(m.revenue) FILTER (WHERE m.month < $5), 0)::float8 AS revenue
         FROM c360_kpi_customer_months m
        WHERE m.first_active_month >= $3 AND m.first_active_month < $4 AND m.month < $4 AND m.month <= $5
          AND ${monthPeriod('m.month')} >= ${monthPeriod('m.first_active_month')}
          AND m.customer_id <> ALL($6::text[])
        GROUP BY 1, 2`,
      [period, new Date(asOf), firstStart, new Date(lastEnd), new Date(asOfMonth), except],
    ) as Promise<{ cohort: number; at: number; size: number; active: number; revenue: number }[]>,
    asOfMonth < lastEnd
      ? (manager.query(
          `SELECT ${periodOfMonth('m.first_active_month')} AS cohort, coalesce(sum(f.revenue), 0)::float8 AS revenue
             FROM c360_kpi_purchases f
             JOIN c360_kpi_customer_months m ON m.customer_id = f.customer_id AND m.month = $3
            WHERE f.occurred_at >= $3 AND f.occurred_at <= $2 AND f.customer_id <> ALL($5::text[])
              AND m.first_active_month >= $4 AND (m.first_active_month < $3 OR m.first_purchase_at <= $2)
            GROUP BY 1`,
          [period, new Date(asOf), new Date(asOfMonth), firstStart, except],
        ) as Promise<{ cohort: number; revenue: number }[]>)
      : Promise.resolve([]),
  ]);
  for (const r of rows) {
    const c = periodOrdinal(r.cohort, period);
    const cohort = cohortTally(cohorts, c, last);
    const k = periodOrdinal(r.at, period) - c;
    cohort.size += r.size;
    cohort.active[k]! += r.active;
    cohort.revenue[k]! += r.revenue;
  }
  for (const r of lastMonth) {
    const c = periodOrdinal(r.cohort, period);
    const cohort = cohortTally(cohorts, c, last);
    cohort.revenue[periodOrdinal(asOfMonth, period) - c]! += r.revenue;
  }
  return cohorts;
}

/**
 * Lifetimes as of `asOf` for the default threshold, grouped by (group, days, churned): the span holding asOf's
 * last purchase says both whether the customer churned by asOf (its churn instant is before asOf) and, if so,
 * the last purchase (churn instant − 365 days).
 */
export async function lifetimesFromAggregates(
  manager: EntityManager,
  by: 'none' | 'tier' | 'channel',
  asOf: number,
  except: string[],
): Promise<Map<string, SurvivalSubject[]>> {
  const group =
    by === 'none'
      ? `'all'`
      : by === 'channel'
        ? `coalesce(CASE WHEN t.occurred_at <= $1 THEN t.channel END, 'unknown')`
        : `coalesce(s.tier, 'unknown')`;
  const join =
    by === 'channel'
      ? 'LEFT JOIN c360_kpi_first_touchpoints t ON t.customer_id = l.customer_id'
      : by === 'tier'
        ? 'LEFT JOIN c360_customer_scores s ON s.customer_id = l.customer_id'
        : '';
  const rows = (await manager.query(
    `SELECT ${group} AS "group", l.churn_at < $1 AS churned,
            floor((CASE WHEN l.churn_at < $1 THEN extract(epoch FROM l.churn_at) * 1000 - $3::numeric
                        ELSE $2::numeric END - extract(epoch FROM l.first_purchase_at) * 1000) / $4::numeric)::int AS days,
            count(*)::int AS count
       FROM c360_kpi_customer_lives l ${join}
      WHERE l.started_at <= $1 AND (l.next_started_at IS NULL OR l.next_started_at > $1)
        AND l.customer_id <> ALL($5::text[])
      GROUP BY 1, 2, 3`,
    [new Date(asOf), String(asOf), String(CHURN_MS), String(DAY_MS), except],
  )) as { group: string; churned: boolean; days: number; count: number }[];
  const groups = new Map<string, SurvivalSubject[]>();
  for (const r of rows) {
    const list = groups.get(r.group) ?? [];
    list.push({ days: r.days, churned: r.churned, count: r.count });
    groups.set(r.group, list);
  }
  return groups;
}

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
  type ServiceGroup,
  type ServiceImpactTallies,
  type SurvivalSubject,
  SERVICE_GROUPS,
  emptyServiceImpactTallies,
  medianResolutionDaysOf,
} from '@c360/domain';
import type { EntityManager } from 'typeorm';
import { DEFAULT_CHURN_AFTER_DAYS } from './kpi-derived-rows.js';

/**
 * Runs each read after the one before. The KPI reads share one transaction's client: pg would queue reads sent
 * together, but sending a query while another runs on the same client is deprecated.
 */
export async function inTurn<T extends readonly (() => Promise<unknown>)[]>(
  ...reads: T
): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
}

/**
 * The KPI figures as SQL aggregates over the `kpis` projection's derived rows (month summaries with their
 * previous active month, alive spans for the default `churnAfterDays`), for every stream shown as itself: only
 * per-period (or per-lifetime-day) counts travel to Node. Streams of a merged customer are left out (`except`):
 * their spans differ once their purchases are put together, so the caller counts those few from their histories.
 */

const STEP: Record<KpiPeriod, string> = { month: '1 month', quarter: '3 months', year: '1 year' };
/** The default churn threshold as an interval of whole hours (a fixed length, unlike days across DST). */
const CHURN_HOURS = `${DEFAULT_CHURN_AFTER_DAYS * 24} hours`;

/** ms of the start of the UTC month of an instant. */
export const monthStart = (instant: number) => {
  const d = new Date(instant);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
/**
 * The UTC day of an instant as 'YYYY-MM-DD': the value to compare with a SQL `date`. node-pg sends a `Date` in
 * the process's local time zone, and PostgreSQL keeps that local day, so behind UTC a month start would read as
 * the day before.
 */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** ms of the start of the period (UTC) of a timestamptz column. */
const periodOf = (column: string) =>
  `(extract(epoch FROM date_trunc($1, ${column} AT TIME ZONE 'UTC')) * 1000)::float8`;
/** ms of the start of the period of a month (date) column. */
const periodOfMonth = (column: string) => `(extract(epoch FROM date_trunc($1, ${column}::timestamp)) * 1000)::float8`;
/** The start of the period of a month column, as a timestamp. */
const monthPeriod = (column: string) => `date_trunc($1, ${column}::timestamp)`;

/**
 * The streams of merged customers (members and roots), as the identity index holds them now: the fast readings
 * leave them out. The merged members are found through the index on `root_id <> customer_id`, then their roots'
 * streams by root (an array, so the planner looks the few roots up instead of hashing every customer).
 */
export async function mergedStreams(manager: EntityManager): Promise<string[]> {
  const rows = (await manager.query(
    `SELECT DISTINCT unnest(ARRAY[customer_id, root_id]) AS stream FROM c360_customers
      WHERE root_id = ANY(ARRAY(SELECT root_id FROM c360_customers WHERE root_id <> customer_id))`,
  )) as { stream: string }[];
  return rows.map((r) => r.stream);
}

/**
 * Active, new, retained, revenue and margin per period from the month totals, and alive at each period's start
 * and churned in it from the span totals (the default threshold) or the silences (any other of at least
 * `SILENCE_FLOOR_DAYS`).
 */
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
  const hi = periodEnd(firstOrdinal + n - 1, period);
  const asOfMonth = monthStart(asOf);
  const index = (at: number) => periodOrdinal(at, period) - firstOrdinal + 1;
  const inRange = (i: number) => i >= 0 && i <= n;
  const date = (ms: number) => new Date(ms);
  const [months, fresh, lastMonth] = await inTurn(
    // a customer is active in P on its first month of P with a purchase (by asOf): previous active month before P.
    // Whole months before asOf's month come from the month totals; the streams left out are taken away from them
    // and asOf's own month is counted from its month rows (its sums come from the facts, cut at asOf)
    () =>
      manager.query(
        `SELECT at, sum(active)::int AS active, sum(retained)::int AS retained, coalesce(sum(revenue), 0)::float8 AS revenue,
              coalesce(sum(costed), 0)::float8 AS costed, coalesce(sum(cost), 0)::float8 AS cost
         FROM (SELECT ${periodOfMonth('k.month')} AS at,
                      sum(k.customers) FILTER (WHERE k.previous_active_month < ${monthPeriod('k.month')}) AS active,
                      sum(k.customers) FILTER (WHERE k.previous_active_month >= ${monthPeriod('k.month')} - $7::interval
                                               AND k.previous_active_month < ${monthPeriod('k.month')}) AS retained,
                      sum(k.revenue) AS revenue, sum(k.costed_revenue) AS costed, sum(k.cost) AS cost
                 FROM c360_kpi_months k
                WHERE k.month >= $3::date AND k.month < $4::date AND k.month < $5::date
                GROUP BY 1
               UNION ALL
               SELECT ${periodOfMonth('m.month')},
                      sum(CASE WHEN m.month < $5 THEN -1 ELSE 1 END)
                        FILTER (WHERE m.first_purchase_at <= $2 AND (m.previous_active_month IS NULL
                                OR m.previous_active_month < ${monthPeriod('m.month')})),
                      sum(CASE WHEN m.month < $5 THEN -1 ELSE 1 END)
                        FILTER (WHERE m.first_purchase_at <= $2
                                AND m.previous_active_month >= ${monthPeriod('m.month')} - $7::interval
                                AND m.previous_active_month < ${monthPeriod('m.month')}),
                      -sum(m.revenue) FILTER (WHERE m.month < $5), -sum(m.costed_revenue) FILTER (WHERE m.month < $5),
                      -sum(m.cost) FILTER (WHERE m.month < $5)
                 FROM c360_kpi_customer_months m
                WHERE m.month >= $3::date AND m.month < $4::date
                  AND ((m.month < $5 AND m.customer_id = ANY($6::text[])) OR (m.month = $5 AND m.customer_id <> ALL($6::text[])))
                GROUP BY 1) x
        GROUP BY 1`,
        [period, date(asOf), utcDay(lo), utcDay(hi), utcDay(asOfMonth), except, STEP[period]],
      ) as Promise<{ at: number; active: number; retained: number; revenue: number; costed: number; cost: number }[]>,
    () =>
      manager.query(
        `SELECT at, channel, sum(n)::int AS n
         FROM (SELECT ${periodOfMonth('k.month')} AS at, k.channel, sum(k.customers) AS n
                 FROM c360_kpi_months k
                WHERE k.month >= $3::date AND k.month < $4::date AND k.month < $5::date
                  AND k.previous_active_month = '-infinity'::date
                GROUP BY 1, 2
               UNION ALL
               SELECT ${periodOfMonth('m.month')}, coalesce(CASE WHEN t.occurred_at <= $2 THEN t.channel END, 'unknown'),
                      sum(CASE WHEN m.month < $5 THEN -1 ELSE 1 END)
                 FROM c360_kpi_customer_months m LEFT JOIN c360_kpi_first_touchpoints t ON t.customer_id = m.customer_id
                WHERE m.month >= $3::date AND m.month < $4::date
                  AND ((m.month < $5 AND m.customer_id = ANY($6::text[])) OR (m.month = $5 AND m.customer_id <> ALL($6::text[])))
                  AND m.previous_active_month IS NULL AND m.first_purchase_at <= $2
                GROUP BY 1, 2) x
        GROUP BY 1, 2 HAVING sum(n) <> 0`,
        [period, date(asOf), utcDay(lo), utcDay(hi), utcDay(asOfMonth), except],
      ) as Promise<{ at: number; channel: string; n: number }[]>,
    // asOf's own month, cut at asOf, from the facts
    () =>
      asOfMonth >= lo && asOfMonth < hi
        ? (manager.query(
            `SELECT coalesce(sum(revenue), 0)::float8 AS revenue, coalesce(sum(costed_revenue), 0)::float8 AS costed,
                  coalesce(sum(cost), 0)::float8 AS cost
             FROM c360_kpi_purchases WHERE occurred_at >= $1 AND occurred_at <= $2 AND customer_id <> ALL($3::text[])`,
            [date(asOfMonth), date(asOf), except],
          ) as Promise<{ revenue: number; costed: number; cost: number }[]>)
        : Promise.resolve([]),
  );
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
  if (window.churnAfterDays === DEFAULT_CHURN_AFTER_DAYS) await churnFromSpans(manager, window, except, tallies);
  else await churnFromSilences(manager, window, except, tallies);
  return tallies;
}

/** The periods' window bounds the churn readings share. */
function churnBounds(window: KpiWindow, tallies: PeriodTallies) {
  const { period, asOf } = window;
  const n = tallies.active.length - 1;
  const start1 = periodStart(tallies.firstOrdinal, period);
  const hi = periodEnd(tallies.firstOrdinal + n - 1, period);
  return {
    n,
    start1,
    lastStart: periodStart(tallies.firstOrdinal + n - 1, period),
    hi,
    // the periods that end by asOf (whole) end here; asOf's own period, if asked, is read from the rows
    wholePeriodsEnd: Math.max(start1, Math.min(hi, periodStart(periodOrdinal(asOf, period), period))),
    index: (at: number) => periodOrdinal(at, period) - tallies.firstOrdinal + 1,
  };
}

/**
 * Alive at each period's start and churned in each period for the default threshold, from the span and comeback
 * totals (whole months) and the spans (asOf's month).
 */
async function churnFromSpans(
  manager: EntityManager,
  window: KpiWindow,
  except: string[],
  tallies: PeriodTallies,
): Promise<void> {
  const { period, asOf } = window;
  const { n, start1, lastStart, hi, wholePeriodsEnd, index } = churnBounds(window, tallies);
  const { firstOrdinal } = tallies;
  const inRange = (i: number) => i >= 0 && i <= n;
  const date = (ms: number) => new Date(ms);
  // whole months of churn instants come from the span totals up to here: the window's end or asOf's month
  const wholeEnd = Math.max(start1, Math.min(hi, monthStart(asOf)));
  const [spans, ends, comebacks] = await inTurn(
    // alive at t = spans started before t − spans churned before t (a stream's spans are disjoint); t is a period
    // start, so a whole month of the span totals is before t or not. The streams left out are taken away using
    // their own spans
    () =>
      manager.query(
        `SELECT at, sum(n)::int AS n, kind
         FROM (SELECT ${periodOfMonth('started_month')} AS at, sum(spans) AS n, 'start' AS kind
                 FROM c360_kpi_span_months WHERE started_month < $2::date GROUP BY 1
               UNION ALL
               SELECT ${periodOfMonth('churn_month')}, sum(spans), 'churn'
                 FROM c360_kpi_span_months WHERE churn_month < $2::date GROUP BY 1
               UNION ALL
               SELECT ${periodOf('started_at')}, -count(*), 'start'
                 FROM c360_kpi_customer_lives WHERE started_at < $3 AND customer_id = ANY($4::text[]) GROUP BY 1
               UNION ALL
               SELECT ${periodOf('churn_at')}, -count(*), 'churn'
                 FROM c360_kpi_customer_lives WHERE churn_at < $3 AND customer_id = ANY($4::text[]) GROUP BY 1) x
        GROUP BY 1, 3`,
        [period, utcDay(lastStart), date(lastStart), except],
      ) as Promise<{ at: number; n: number; kind: 'start' | 'churn' }[]>,
    // churned in P: a span alive at P's start ends in P (before asOf, if sooner): from the span totals for whole
    // months before asOf's month (the period's start is a month start, so the start month says whether the span
    // started before it; the streams left out are taken away using their own spans), from the spans for asOf's
    // month ...
    () =>
      manager.query(
        `SELECT at, sum(n)::int AS n
         FROM (SELECT ${periodOfMonth('churn_month')} AS at, sum(spans) AS n
                 FROM c360_kpi_span_months
                WHERE churn_month >= $2::date AND churn_month < $3::date
                  AND started_month < ${monthPeriod('churn_month')}
                GROUP BY 1
               UNION ALL
               SELECT ${periodOf('churn_at')}, count(*)
                 FROM c360_kpi_customer_lives
                WHERE churn_at >= $4 AND churn_at < $5 AND customer_id <> ALL($7::text[])
                  AND started_at < date_trunc($1, churn_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                GROUP BY 1
               UNION ALL
               SELECT ${periodOf('churn_at')}, -count(*)
                 FROM c360_kpi_customer_lives
                WHERE churn_at >= $6 AND churn_at < $4 AND customer_id = ANY($7::text[])
                  AND started_at < date_trunc($1, churn_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                GROUP BY 1) x
        GROUP BY 1`,
        [period, utcDay(start1), utcDay(wholeEnd), date(wholeEnd), date(Math.min(hi, asOf)), date(start1), except],
      ) as Promise<{ at: number; n: number }[]>,
    // ... unless a later span of the customer (a comeback in P) covers P's end (or asOf): for the periods that end
    // by asOf, from the comeback totals (a comeback span counted at each month start an earlier span covered);
    // for asOf's own period from the spans, and the streams left out taken away using their own spans
    () =>
      manager.query(
        `SELECT at, sum(n)::int AS n
         FROM (SELECT ${periodOfMonth('started_month')} AS at, sum(spans) AS n
                 FROM c360_kpi_comeback_months
                WHERE started_month >= $7::date AND started_month < $8::date
                  AND covered_month = ${monthPeriod('started_month')}
                  AND churn_month >= ${monthPeriod('started_month')} + $6::interval
                GROUP BY 1
               UNION ALL
               SELECT ${periodOf('j.started_at')}, sum(CASE WHEN j.started_at < $9 THEN -1 ELSE 1 END)
                 FROM c360_kpi_customer_lives j
                 JOIN c360_kpi_customer_lives k ON k.customer_id = j.customer_id
                WHERE j.started_at > j.first_purchase_at AND j.started_at >= $2 AND j.started_at < $3
                  AND j.started_at <= $4
                  AND ((j.started_at < $9 AND j.customer_id = ANY($5::text[]))
                       OR (j.started_at >= $9 AND j.customer_id <> ALL($5::text[])))
                  AND j.churn_at >= least((date_trunc($1, j.started_at AT TIME ZONE 'UTC') + $6::interval) AT TIME ZONE 'UTC', $4)
                  AND k.started_at < date_trunc($1, j.started_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                  AND k.churn_at >= date_trunc($1, j.started_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                GROUP BY 1) x
        GROUP BY 1`,
        [
          period,
          date(start1),
          date(hi),
          date(asOf),
          except,
          STEP[period],
          utcDay(start1),
          utcDay(wholePeriodsEnd),
          date(wholePeriodsEnd),
        ],
      ) as Promise<{ at: number; n: number }[]>,
  );
  for (let i = 1; i <= n; i++) {
    const start = periodStart(firstOrdinal + i - 1, period);
    // spans started (churned) in a period before P's: before P's start
    for (const r of spans) if (r.at < start) tallies.atStart[i]! += r.kind === 'start' ? r.n : -r.n;
  }
  for (const r of ends) if (inRange(index(r.at))) tallies.churned[index(r.at)]! += r.n;
  for (const r of comebacks) if (inRange(index(r.at))) tallies.churned[index(r.at)]! -= r.n;
}

/**
 * The silence totals of the streams shown as themselves: `c360_kpi_silence_days`, less the silences of the streams
 * left out (`param` holds them), counted the same way.
 */
const silenceDaysExcept = (param: string) => `
  (SELECT purchase_day, next_month, silences FROM c360_kpi_silence_days
   UNION ALL
   SELECT (purchase_at AT TIME ZONE 'UTC')::date,
          coalesce(date_trunc('month', next_purchase_at AT TIME ZONE 'UTC')::date, 'infinity'::date), -1
     FROM c360_kpi_silences WHERE customer_id = ANY(${param}::text[]))`;

/**
 * Alive at each period's start and churned in each period for a threshold of D ≥ `SILENCE_FLOOR_DAYS` days, from
 * the silences. A stream is alive at t (t ≤ asOf) when it bought before t and no silence holds t: a silence after
 * a purchase p holds t when p + D < t ≤ the next purchase (or there is none), which needs a silence longer than D,
 * so one of those kept. Facts after t do not change it, so the silences of all facts answer as of asOf.
 *
 * - Alive at a period start t: streams with a first purchase before t (the month totals) less the silences holding
 *   t; t is a UTC midnight and so is t − D, so the totals by day of the purchase before and month of the purchase
 *   after say which ones do.
 * - Churned in P = [s, e): alive at s, and the silence holding e (or asOf's end, in asOf's own period) began in P.
 *   When its purchase p is before s, the stream was alive at s (s − p ≤ D); the totals count those for the periods
 *   that end by asOf, the silences themselves for asOf's own period. A purchase p in P itself needs P to be longer
 *   than D; those few are read from the silences, each checked for being alive at s.
 */
async function churnFromSilences(
  manager: EntityManager,
  window: KpiWindow,
  except: string[],
  tallies: PeriodTallies,
): Promise<void> {
  const { period, asOf, churnAfterDays: days } = window;
  const { n, start1, lastStart, hi, wholePeriodsEnd, index } = churnBounds(window, tallies);
  const inRange = (i: number) => i >= 1 && i <= n;
  const date = (ms: number) => new Date(ms);
  const churnMs = days * DAY_MS;
  const hours = `${days * 24} hours`;
  const starts = Array.from({ length: n }, (_, k) => periodStart(tallies.firstOrdinal + k, period));
  const ends = starts.map((start) => periodEnd(periodOrdinal(start, period), period));
  // a purchase inside P can only be followed by a churn inside it when P is longer than D
  const longPeriods = starts.some((start, k) => Math.min(ends[k]!, asOf) - churnMs > start);
  const partial = wholePeriodsEnd < hi;
  const [firsts, silent, churned, lastPeriod, inside] = await inTurn(
    () =>
      manager.query(
        `SELECT at, sum(n)::int AS n
         FROM (SELECT ${periodOfMonth('month')} AS at, sum(customers) AS n FROM c360_kpi_months
                WHERE previous_active_month = '-infinity'::date AND month < $2::date GROUP BY 1
               UNION ALL
               SELECT ${periodOfMonth('month')}, -count(*) FROM c360_kpi_customer_months
                WHERE customer_id = ANY($3::text[]) AND previous_active_month IS NULL AND first_purchase_at IS NOT NULL
                  AND month < $2::date
                GROUP BY 1) x
        GROUP BY 1`,
        [period, utcDay(lastStart), except],
      ) as Promise<{ at: number; n: number }[]>,
    // the silences holding a period start t: p + D < t (the period of p + D is before t's) and t ≤ the next purchase
    // (the period of its month is t's or later)
    () =>
      manager.query(
        `SELECT ${periodOfMonth('(k.purchase_day + $2::int)')} AS after, ${periodOfMonth('k.next_month')} AS until,
              sum(k.silences)::int AS n
         FROM ${silenceDaysExcept('$5')} k
        WHERE k.purchase_day + $2::int < $3::date AND k.next_month >= $4::date
        GROUP BY 1, 2`,
        [period, days, utcDay(lastStart), utcDay(start1), except],
      ) as Promise<{ after: number; until: number; n: number }[]>,
    // the periods that end by asOf: the silence holding e began in P (p + D in it) after a purchase before s
    () =>
      manager.query(
        `SELECT ${periodOfMonth('(k.purchase_day + $2::int)')} AS at, sum(k.silences)::int AS n
         FROM ${silenceDaysExcept('$5')} k
        WHERE k.purchase_day + $2::int >= $3::date AND k.purchase_day + $2::int < $4::date
          AND k.purchase_day < date_trunc($1, (k.purchase_day + $2::int)::timestamp)
          AND k.next_month >= date_trunc($1, (k.purchase_day + $2::int)::timestamp) + $6::interval
        GROUP BY 1`,
        [period, days, utcDay(start1), utcDay(wholePeriodsEnd), except, STEP[period]],
      ) as Promise<{ at: number; n: number }[]>,
    // asOf's own period: the silence holding asOf's end (p + D before asOf, no purchase after p by asOf)
    () =>
      partial
        ? (manager.query(
            `SELECT count(*)::int AS n FROM c360_kpi_silences
            WHERE purchase_at >= $1 AND purchase_at < $2 AND (next_purchase_at IS NULL OR next_purchase_at > $3)
              AND customer_id <> ALL($4::text[])`,
            [date(wholePeriodsEnd - churnMs), date(Math.min(wholePeriodsEnd, asOf - churnMs)), date(asOf), except],
          ) as Promise<{ n: number }[]>)
        : Promise.resolve([]),
    // a purchase p in P followed by the silence holding P's end (or asOf's), of a stream alive at s
    () =>
      longPeriods
        ? (manager.query(
            `SELECT ${periodOf('z.purchase_at')} AS at, count(*)::int AS n
             FROM c360_kpi_silences z
             JOIN c360_kpi_customer_lives l ON l.customer_id = z.customer_id AND l.next_started_at IS NULL
            WHERE z.purchase_at >= $2 AND z.purchase_at < $3 AND z.customer_id <> ALL($4::text[])
              AND z.purchase_at + $5::interval
                  < least((date_trunc($1, z.purchase_at AT TIME ZONE 'UTC') + $6::interval) AT TIME ZONE 'UTC', $7)
              AND (z.next_purchase_at IS NULL OR z.next_purchase_at
                   >= least((date_trunc($1, z.purchase_at AT TIME ZONE 'UTC') + $6::interval) AT TIME ZONE 'UTC', $8))
              AND l.first_purchase_at < date_trunc($1, z.purchase_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
              AND NOT EXISTS (
                    SELECT 1 FROM c360_kpi_silences d
                     WHERE d.customer_id = z.customer_id
                       AND d.purchase_at < (date_trunc($1, z.purchase_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') - $5::interval
                       AND (d.next_purchase_at IS NULL
                            OR d.next_purchase_at >= date_trunc($1, z.purchase_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'))
            GROUP BY 1`,
            [period, date(start1), date(hi), except, hours, STEP[period], date(asOf), date(asOf + 1)],
          ) as Promise<{ at: number; n: number }[]>)
        : Promise.resolve([]),
  );
  for (let i = 1; i <= n; i++) {
    const t = starts[i - 1]!;
    for (const r of firsts) if (r.at < t) tallies.atStart[i]! += r.n;
    for (const r of silent) if (r.after < t && t <= r.until) tallies.atStart[i]! -= r.n;
  }
  for (const r of churned) if (inRange(index(r.at))) tallies.churned[index(r.at)]! += r.n;
  for (const r of lastPeriod) tallies.churned[index(wholePeriodsEnd)]! += r.n;
  for (const r of inside) if (inRange(index(r.at))) tallies.churned[index(r.at)]! += r.n;
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
  const firstStart = utcDay(periodStart(first, period));
  const lastEnd = periodEnd(last, period);
  const asOfMonth = monthStart(asOf);
  const [rows, lastMonth] = await inTurn(
    // whole months before asOf's month from the cohort totals, the streams left out taken away using their own
    // rows; asOf's own month from its month rows (its revenue from the facts, below)
    () =>
      manager.query(
        `SELECT cohort, at, sum(size)::int AS size, sum(active)::int AS active, coalesce(sum(revenue), 0)::float8 AS revenue
         FROM (SELECT ${periodOfMonth('k.first_active_month')} AS cohort, ${periodOfMonth('k.month')} AS at,
                      sum(k.customers) FILTER (WHERE k.month = k.first_active_month) AS size,
                      sum(k.customers) FILTER (WHERE k.previous_active_month < ${monthPeriod('k.month')}) AS active,
                      sum(k.revenue) AS revenue
                 FROM c360_kpi_cohort_months k
                WHERE k.first_active_month >= $3::date AND k.first_active_month < $4::date AND k.month < $4::date
                  AND k.month < $5::date
                  AND ${monthPeriod('k.month')} >= ${monthPeriod('k.first_active_month')}
                GROUP BY 1, 2
               UNION ALL
               SELECT ${periodOfMonth('m.first_active_month')}, ${periodOfMonth('m.month')},
                      sum(CASE WHEN m.month < $5 THEN -1 ELSE 1 END)
                        FILTER (WHERE m.month = m.first_active_month AND m.first_purchase_at <= $2),
                      sum(CASE WHEN m.month < $5 THEN -1 ELSE 1 END)
                        FILTER (WHERE m.first_purchase_at <= $2 AND (m.previous_active_month IS NULL
                                OR m.previous_active_month < ${monthPeriod('m.month')})),
                      -sum(m.revenue) FILTER (WHERE m.month < $5)
                 FROM c360_kpi_customer_months m
                WHERE m.first_active_month >= $3::date AND m.first_active_month < $4::date AND m.month < $4::date
                  AND m.month <= $5::date
                  AND ${monthPeriod('m.month')} >= ${monthPeriod('m.first_active_month')}
                  AND ((m.month < $5 AND m.customer_id = ANY($6::text[])) OR (m.month = $5 AND m.customer_id <> ALL($6::text[])))
                GROUP BY 1, 2) x
        GROUP BY 1, 2`,
        [period, new Date(asOf), firstStart, utcDay(lastEnd), utcDay(asOfMonth), except],
      ) as Promise<{ cohort: number; at: number; size: number; active: number; revenue: number }[]>,
    () =>
      asOfMonth < lastEnd
        ? (manager.query(
            `SELECT ${periodOfMonth('m.first_active_month')} AS cohort, coalesce(sum(f.revenue), 0)::float8 AS revenue
             FROM c360_kpi_purchases f
             JOIN c360_kpi_customer_months m ON m.customer_id = f.customer_id AND m.month = $3::date
            WHERE f.occurred_at >= $6 AND f.occurred_at <= $2 AND f.customer_id <> ALL($5::text[])
              AND m.first_active_month >= $4::date AND (m.first_active_month < $3::date OR m.first_purchase_at <= $2)
            GROUP BY 1`,
            [period, new Date(asOf), utcDay(asOfMonth), firstStart, except, new Date(asOfMonth)],
          ) as Promise<{ cohort: number; revenue: number }[]>)
        : Promise.resolve([]),
  );
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
 * Lifetimes as of `asOf`, grouped by (group, days, churned). For the default threshold the span holding asOf's
 * last purchase says both whether the customer churned by asOf (its churn instant is before asOf) and, if so,
 * the last purchase (churn instant − 365 days). For another threshold D (≥ `SILENCE_FLOOR_DAYS`), a customer churned
 * by asOf when the silence holding asOf began more than D days before it: the stream's last purchase when that is
 * by asOf (churn instant of its last span − 365 days), otherwise the silence whose next purchase is after asOf; a
 * shorter silence holding asOf is no churn (the next purchase came within D days). Whole days are read off the
 * difference of two timestamps: it is never negative here (the first purchase is at or before both asOf and the
 * last purchase), and PostgreSQL carries its whole 24-hour days into the interval's day field, which is the floor
 * of the difference in days — the same as flooring the milliseconds, without numeric arithmetic on every span
 * (several times faster).
 */
export async function lifetimesFromAggregates(
  manager: EntityManager,
  by: 'none' | 'tier' | 'channel',
  asOf: number,
  except: string[],
  churnAfterDays: number = DEFAULT_CHURN_AFTER_DAYS,
): Promise<Map<string, SurvivalSubject[]>> {
  const group =
    by === 'none'
      ? `'all'`
      : by === 'channel'
        ? `coalesce(CASE WHEN l.first_touch_at <= $1 THEN l.channel END, 'unknown')`
        : `coalesce(s.tier, 'unknown')`;
  const join = by === 'tier' ? 'LEFT JOIN c360_customer_scores s ON s.customer_id = l.customer_id' : '';
  const rows = (await (churnAfterDays === DEFAULT_CHURN_AFTER_DAYS
    ? manager.query(
        `SELECT ${group} AS "group", l.churn_at < $1 AS churned,
                date_part('day', CASE WHEN l.churn_at < $1 THEN l.churn_at - $3::interval ELSE $1 END
                                       - l.first_purchase_at)::int AS days,
                count(*)::int AS count
           FROM c360_kpi_customer_lives l ${join}
          WHERE l.started_at <= $1 AND (l.next_started_at IS NULL OR l.next_started_at > $1)
            AND l.customer_id <> ALL($2::text[])
          GROUP BY 1, 2, 3`,
        [new Date(asOf), except, CHURN_HOURS],
      )
    : manager.query(
        `SELECT ${group} AS "group", c.last IS NOT NULL AS churned,
                date_part('day', coalesce(c.last, $1) - l.first_purchase_at)::int AS days, count(*)::int AS count
           FROM c360_kpi_customer_lives l ${join}
           LEFT JOIN c360_kpi_silences g
             ON l.churn_at - $3::interval > $1 AND g.customer_id = l.customer_id AND g.next_purchase_at > $1
            AND g.purchase_at < $1::timestamptz - $4::interval
          CROSS JOIN LATERAL (
                SELECT CASE WHEN l.churn_at - $3::interval > $1 THEN g.purchase_at
                            WHEN l.churn_at - $3::interval < $1::timestamptz - $4::interval THEN l.churn_at - $3::interval END AS last) c
          WHERE l.next_started_at IS NULL AND l.first_purchase_at <= $1 AND l.customer_id <> ALL($2::text[])
          GROUP BY 1, 2, 3`,
        [new Date(asOf), except, CHURN_HOURS, `${churnAfterDays * 24} hours`],
      ))) as { group: string; churned: boolean; days: number; count: number }[];
  const groups = new Map<string, SurvivalSubject[]>();
  for (const r of rows) {
    const list = groups.get(r.group) ?? [];
    list.push({ days: r.days, churned: r.churned, count: r.count });
    groups.set(r.group, list);
  }
  return groups;
}

const ceilTo = (instant: number, unit: number) => Math.ceil(instant / unit) * unit;
const monthCeil = (instant: number) => {
  const start = monthStart(instant);
  return start === instant ? start : Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth() + 1, 1);
};

/**
 * The service impact of `[from, to]` as of `asOf` (needs `from` ≤ `asOf`), counted per group by SQL over the
 * alive spans or the silences, the complaint cases and the NPS answers. A stream is a customer of the window when
 * it bought first before `end` and at or after `from`, or was alive at `from`; it churned by the window's end
 * when the silence holding it (after its last purchase before `end`) is longer than the threshold by then, and its
 * churn instant is that purchase + the threshold. For the default threshold the span holding `end` (the last
 * started before it) says it (its churn instant before the window's end), and a span with started_at < from ≤
 * churn_at says it was alive at `from`; for another (≥ `SILENCE_FLOOR_DAYS`), the silences holding `from` and the
 * window's end do. Resolution times of the streams left out (`extraResolutionMs`) join the median, which is read
 * off the sorted list in SQL.
 *
 * Spend sums the facts whose UTC day starts in [from, end), as the histories do: they occurred in [F, E), whole
 * months [A, B) of it from month rows and the edges from the facts. Only the complaining customers' spend is
 * summed per customer, from `c360_kpi_complainant_months`; the no-complaint group gets the rest: the window's
 * revenue from the month totals, less that of the streams left out (merged ones and those that are no customer
 * of the window: they were silent at `from` for longer than the threshold and came back, or have only returns
 * in it, or bought first after `end` on its last day; looked up stream by stream when they are a few thousand, in
 * one pass over the window's month rows when more) and less the complaining customers'. Only the customers who
 * churned or complained are kept one by one; the others are counted as the spans are read.
 */
export async function serviceImpactFromAggregates(
  manager: EntityManager,
  window: { from: number; to: number; asOf: number; churnAfterDays: number },
  except: string[],
  extraResolutionMs: number[],
): Promise<{ tallies: ServiceImpactTallies; median: { days: number | null; count: number } }> {
  const { from, asOf } = window;
  const end = Math.min(window.to, asOf + 1);
  const evaluatedAt = Math.min(window.to, asOf);
  const F = ceilTo(from, DAY_MS);
  const E = Math.min(ceilTo(end, DAY_MS), asOf + 1);
  const A = monthCeil(F);
  const B = Math.max(A, monthStart(E));
  const date = (ms: number) => new Date(ms);
  // the customers of the window, one row x per stream: whether and when each churned by the window's end
  const customers =
    window.churnAfterDays === DEFAULT_CHURN_AFTER_DAYS
      ? {
          // streams back in the window (after from) that an earlier span had alive at from, looked up one by one
          // (the few comebacks against their own spans: a hash of every span alive at from costs more)
          helpers: `
     revived AS MATERIALIZED (
       SELECT j.customer_id FROM c360_kpi_customer_lives j
        CROSS JOIN LATERAL (SELECT 1 FROM c360_kpi_customer_lives a
                             WHERE a.customer_id = j.customer_id AND a.started_at < $1 AND a.churn_at >= $1 LIMIT 1) a
        WHERE j.started_at > j.first_purchase_at AND j.started_at >= $1 AND j.started_at < $2),`,
          // the span holding end, new in the window or alive at from: itself when it started before from
          from: 'c360_kpi_customer_lives x',
          where: `x.started_at < $2 AND (x.next_started_at IS NULL OR x.next_started_at >= $2)
            AND (x.first_purchase_at >= $1 OR (x.started_at < $1 AND x.churn_at >= $1)
                 OR x.customer_id IN (SELECT customer_id FROM revived))`,
          churned: 'x.churn_at < $3',
          churnAt: 'x.churn_at',
        }
      : {
          // the streams a silence holds at from (dead then), and at the window's end (churned by then)
          helpers: `
     dead AS MATERIALIZED (
       SELECT customer_id FROM c360_kpi_silences
        WHERE purchase_at < $1::timestamptz - $13::interval AND (next_purchase_at IS NULL OR next_purchase_at >= $1)),
     gone AS MATERIALIZED (
       SELECT customer_id, purchase_at FROM c360_kpi_silences
        WHERE purchase_at < $3::timestamptz - $13::interval AND (next_purchase_at IS NULL OR next_purchase_at >= $2)),`,
          // a stream's last span, bought first before end: at or after from, or not dead at from
          from: 'c360_kpi_customer_lives x LEFT JOIN gone z ON z.customer_id = x.customer_id',
          where: `x.next_started_at IS NULL AND x.first_purchase_at < $2
            AND (x.first_purchase_at >= $1 OR x.customer_id NOT IN (SELECT customer_id FROM dead))`,
          churned: 'z.customer_id IS NOT NULL',
          churnAt: 'z.purchase_at + $13::interval',
        };
  const rows = (await manager.query(
    `WITH fate AS MATERIALIZED (
       SELECT c.customer_id,
              max(CASE WHEN c.resolved_at IS NULL OR c.resolved_at > $4 THEN 3
                       WHEN c.resolved_at <= c.opened_at + interval '168 hours' THEN 1 ELSE 2 END) AS fate
         FROM c360_kpi_complaints c
        WHERE c.opened_at >= $1 AND c.opened_at < $2 AND c.customer_id <> ALL($5::text[])
        GROUP BY 1),${customers.helpers}
     everyone AS MATERIALIZED (
       SELECT count(*) AS customers, count(*) FILTER (WHERE ${customers.churned}) AS churned
         FROM ${customers.from}
        WHERE ${customers.where} AND x.customer_id <> ALL($5::text[])),
     -- the customers of the window who churned or complained in it, one by one
     pop AS MATERIALIZED (
       SELECT x.customer_id, ${customers.churnAt} AS churn_at, ${customers.churned} AS churned,
              coalesce(f.fate, 0) AS fate
         FROM ${customers.from} LEFT JOIN fate f ON f.customer_id = x.customer_id
        WHERE ${customers.where} AND x.customer_id <> ALL($5::text[])
          AND (${customers.churned} OR f.customer_id IS NOT NULL)),
     bad AS MATERIALIZED (
       SELECT p.customer_id FROM pop p JOIN c360_kpi_complaints c ON c.customer_id = p.customer_id
        WHERE p.churned AND c.opened_at <= p.churn_at AND (c.resolved_at IS NULL OR c.resolved_at > p.churn_at)
       UNION
       SELECT p.customer_id FROM pop p JOIN c360_kpi_nps a ON a.customer_id = p.customer_id
        WHERE p.churned AND a.nps <= 6 AND a.occurred_at <= p.churn_at
          AND a.occurred_at >= p.churn_at - $13::interval - interval '2160 hours'),
     complained AS MATERIALIZED (
       SELECT p.customer_id, p.fate, p.churned, b.customer_id IS NOT NULL AS bad
         FROM pop p LEFT JOIN bad b ON b.customer_id = p.customer_id
        WHERE p.fate > 0),
     edges AS MATERIALIZED (
       SELECT customer_id, revenue FROM c360_kpi_purchases
        WHERE occurred_at >= $6 AND occurred_at < $7 AND (occurred_at < $8 OR occurred_at >= $9)),
     unsure AS MATERIALIZED (
       SELECT customer_id FROM c360_kpi_purchases WHERE orders = 0 AND occurred_at >= $6 AND occurred_at < $7
       UNION
       SELECT customer_id FROM c360_kpi_purchases WHERE occurred_at >= $2 AND occurred_at < $7),
     left_out AS MATERIALIZED (
       SELECT unnest($5::text[]) AS customer_id
       UNION
       SELECT customer_id FROM c360_kpi_silences
        WHERE purchase_at < $1::timestamptz - $13::interval AND next_purchase_at >= $1 AND next_purchase_at < $7
       UNION
       SELECT u.customer_id FROM unsure u
        WHERE NOT EXISTS (SELECT 1 FROM c360_kpi_customer_lives x
                           WHERE x.customer_id = u.customer_id AND ${customers.where})),
     spent AS (
       SELECT (SELECT coalesce(sum(revenue), 0) FROM c360_kpi_months WHERE month >= $10::date AND month < $11::date)
            + (SELECT coalesce(sum(revenue), 0) FROM edges)
            - CASE WHEN (SELECT count(*) FROM left_out) <= 4000
                   THEN (SELECT coalesce(sum(m.revenue), 0)
                           FROM left_out l
                          CROSS JOIN LATERAL (SELECT sum(revenue) AS revenue FROM c360_kpi_customer_months
                                               WHERE customer_id = l.customer_id AND month >= $10::date
                                                 AND month < $11::date) m)
                   ELSE (SELECT coalesce(sum(m.revenue), 0)
                           FROM c360_kpi_customer_months m JOIN left_out l USING (customer_id)
                          WHERE m.month >= $10::date AND m.month < $11::date) END
            - (SELECT coalesce(sum(x.revenue), 0) FROM edges x JOIN left_out l USING (customer_id)) AS revenue),
     complained_spend AS MATERIALIZED (
       SELECT c.fate, sum(x.revenue) AS revenue
         FROM (SELECT customer_id, revenue FROM c360_kpi_complainant_months
                WHERE month >= $10::date AND month < $11::date
               UNION ALL
               SELECT customer_id, revenue FROM edges) x
         JOIN complained c ON c.customer_id = x.customer_id
        GROUP BY 1),
     groups AS MATERIALIZED (
       SELECT c.fate, count(*) AS customers, count(*) FILTER (WHERE c.churned) AS churned,
              count(*) FILTER (WHERE c.churned AND c.bad) AS bad, coalesce(min(s.revenue), 0) AS spend
         FROM complained c LEFT JOIN complained_spend s ON s.fate = c.fate
        GROUP BY 1),
     durations AS (
       SELECT (extract(epoch FROM c.resolved_at) * 1000)::float8 - (extract(epoch FROM c.opened_at) * 1000)::float8 AS ms
         FROM c360_kpi_complaints c JOIN complained p ON p.customer_id = c.customer_id
        WHERE c.opened_at >= $1 AND c.opened_at < $2 AND c.resolved_at <= $4
       UNION ALL SELECT unnest($12::float8[])),
     ranked AS (SELECT ms, row_number() OVER (ORDER BY ms) AS i, count(*) OVER () AS n FROM durations)
     SELECT 'group' AS kind, fate, customers::int, churned::int, spend::float8, bad::int, NULL::float8 AS ms,
            NULL::int AS n
       FROM groups
     UNION ALL
     SELECT 'group', 0, (e.customers - (SELECT coalesce(sum(customers), 0) FROM groups))::int,
            (e.churned - (SELECT coalesce(sum(churned), 0) FROM groups))::int,
            ((SELECT revenue FROM spent) - (SELECT coalesce(sum(spend), 0) FROM groups))::float8,
            ((SELECT count(*) FROM bad) - (SELECT coalesce(sum(bad), 0) FROM groups))::int, NULL, NULL
       FROM everyone e
     UNION ALL
     SELECT 'median', NULL, NULL, NULL, NULL, NULL, ms, n::int FROM ranked WHERE i IN ((n + 1) / 2, n / 2 + 1)`,
    [
      date(from),
      date(end),
      date(evaluatedAt),
      date(asOf),
      except,
      date(F),
      date(E),
      date(A),
      date(B),
      utcDay(A),
      utcDay(B),
      extraResolutionMs,
      `${window.churnAfterDays * 24} hours`,
    ],
  )) as (
    | { kind: 'group'; fate: number; customers: number; churned: number; spend: number; bad: number }
    | { kind: 'median'; ms: number; n: number }
  )[];
  const tallies = emptyServiceImpactTallies();
  const middle: number[] = [];
  let count = 0;
  for (const r of rows) {
    if (r.kind === 'median') {
      middle.push(r.ms);
      count = r.n;
      continue;
    }
    const g = tallies.groups.get(SERVICE_GROUPS[r.fate] as ServiceGroup)!;
    g.customers += r.customers;
    g.churned += r.churned;
    g.spend += r.spend;
    tallies.churned += r.churned;
    tallies.bad += r.bad;
  }
  middle.sort((a, b) => a - b);
  return { tallies, median: { days: medianResolutionDaysOf(middle, count), count } };
}

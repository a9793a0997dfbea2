/**
 * The statements that recompute a stream's derived KPI rows from its facts: its alive spans for the default
 * `churnAfterDays` (365 days, as 8760 hours so no time zone can stretch a day) and, on its month summary rows,
 * its first month with a purchase and each month's previous month with one. `filter` picks the streams, as a
 * condition on `customer_id`.
 */
export const DEFAULT_CHURN_AFTER_DAYS = 365;
const CHURN = `interval '${DEFAULT_CHURN_AFTER_DAYS * 24} hours'`;

export const kpiMonthLinksSql = (filter: string) => `
  UPDATE c360_kpi_customer_months m
     SET first_active_month = x.first_active, previous_active_month = x.previous_active
    FROM (SELECT customer_id, month,
                 min(month) FILTER (WHERE first_purchase_at IS NOT NULL) OVER (PARTITION BY customer_id) AS first_active,
                 max(month) FILTER (WHERE first_purchase_at IS NOT NULL)
                   OVER (PARTITION BY customer_id ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                   AS previous_active
            FROM c360_kpi_customer_months WHERE ${filter}) x
   WHERE m.customer_id = x.customer_id AND m.month = x.month
     AND (m.first_active_month IS DISTINCT FROM x.first_active
          OR m.previous_active_month IS DISTINCT FROM x.previous_active)`;

export const kpiLivesDeleteSql = (filter: string) => `DELETE FROM c360_kpi_customer_lives WHERE ${filter}`;

/** Recomputes the spans of the streams `filter` picks, each with the stream's first touchpoint as it stands. */
export const kpiLivesInsertSql = (filter: string) => `
  INSERT INTO c360_kpi_customer_lives
         (customer_id, started_at, churn_at, next_started_at, first_purchase_at, channel, first_touch_at)
  SELECT s.customer_id, s.started_at, s.churn_at,
         lead(s.started_at) OVER (PARTITION BY s.customer_id ORDER BY s.started_at),
         min(s.started_at) OVER (PARTITION BY s.customer_id), t.channel, t.occurred_at
    FROM (SELECT customer_id, min(occurred_at) AS started_at, max(occurred_at) + ${CHURN} AS churn_at
            FROM (SELECT customer_id, occurred_at,
                         count(*) FILTER (WHERE gap) OVER (PARTITION BY customer_id ORDER BY occurred_at) AS span
                    FROM (SELECT customer_id, occurred_at,
                                 coalesce(occurred_at > lag(occurred_at) OVER (PARTITION BY customer_id ORDER BY occurred_at)
                                                        + ${CHURN}, TRUE) AS gap
                            FROM c360_kpi_purchases WHERE orders > 0 AND ${filter}) p) q
           GROUP BY customer_id, span) s
    LEFT JOIN c360_kpi_first_touchpoints t ON t.customer_id = s.customer_id`;

/**
 * The shortest silence kept in `c360_kpi_silences`: the alive spans for any `churnAfterDays` at least this long
 * break only at silences longer than it, so they can be read from those silences alone.
 */
export const SILENCE_FLOOR_DAYS = 30;

/**
 * Recomputes the silences of the streams `filter` picks from their purchases: each purchase followed by more than
 * `SILENCE_FLOOR_DAYS` (as hours) without one, with the next purchase, and the last purchase, with none (of two
 * purchases at one instant only the later in the window order can be followed by one, so an instant is kept
 * once). Only the rows that change are written (a new purchase usually changes the stream's last silence and
 * adds one), and the silence totals per UTC day of the purchase before and month of the purchase after (infinity
 * for a last purchase) move by the difference between the silences as they were and as they are.
 */
export const kpiSilencesSql = (filter: string) => `
  WITH old AS MATERIALIZED (
         SELECT customer_id, purchase_at, next_purchase_at FROM c360_kpi_silences WHERE ${filter}),
       fresh AS MATERIALIZED (
         SELECT customer_id, occurred_at AS purchase_at, next_purchase_at
           FROM (SELECT customer_id, occurred_at,
                        lead(occurred_at) OVER (PARTITION BY customer_id ORDER BY occurred_at) AS next_purchase_at
                   FROM c360_kpi_purchases WHERE orders > 0 AND ${filter}) p
          WHERE next_purchase_at IS NULL OR next_purchase_at > occurred_at + interval '${SILENCE_FLOOR_DAYS * 24} hours'),
       gone AS (
         DELETE FROM c360_kpi_silences s
          WHERE ${filter}
            AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.customer_id = s.customer_id AND f.purchase_at = s.purchase_at)),
       written AS (
         INSERT INTO c360_kpi_silences AS s (customer_id, purchase_at, next_purchase_at)
         SELECT f.customer_id, f.purchase_at, f.next_purchase_at FROM fresh f
          WHERE NOT EXISTS (SELECT 1 FROM old o
                             WHERE o.customer_id = f.customer_id AND o.purchase_at = f.purchase_at
                               AND o.next_purchase_at IS NOT DISTINCT FROM f.next_purchase_at)
         ON CONFLICT (customer_id, purchase_at) DO UPDATE SET next_purchase_at = EXCLUDED.next_purchase_at)
  INSERT INTO c360_kpi_silence_days AS k (purchase_day, next_month, silences)
  SELECT (purchase_at AT TIME ZONE 'UTC')::date,
         coalesce(date_trunc('month', next_purchase_at AT TIME ZONE 'UTC')::date, 'infinity'::date), sum(n)
    FROM (SELECT purchase_at, next_purchase_at, 1 AS n FROM fresh
          UNION ALL
          SELECT purchase_at, next_purchase_at, -1 FROM old) x
   GROUP BY 1, 2 HAVING sum(n) <> 0
  ON CONFLICT (purchase_day, next_month) DO UPDATE SET silences = k.silences + EXCLUDED.silences`;

/**
 * Copies the month rows of the streams `filter` picks that have a complaint case into the complainant months
 * (month rows are only ever added or changed, so an upsert keeps the copy equal). Run after a batch's facts and
 * cases are written, for the streams it adds facts or cases to.
 */
export const kpiComplainantMonthsSql = (filter: string) => `
  INSERT INTO c360_kpi_complainant_months AS k (customer_id, month, revenue)
  SELECT m.customer_id, m.month, m.revenue
    FROM c360_kpi_customer_months m
   WHERE m.customer_id IN (SELECT customer_id FROM c360_kpi_complaints WHERE ${filter})
  ON CONFLICT (customer_id, month) DO UPDATE SET revenue = EXCLUDED.revenue
   WHERE k.revenue IS DISTINCT FROM EXCLUDED.revenue`;

/**
 * Copies each stream's first touchpoint (channel and instant) onto its alive spans, so the lifetimes grouped by
 * channel read one table. Recomputed spans get it as they are written; this is for the streams whose first
 * touchpoint a batch may have changed without adding purchases.
 */
export const kpiLifeChannelsSql = (filter: string) => `
  UPDATE c360_kpi_customer_lives l
     SET channel = t.channel, first_touch_at = t.occurred_at
    FROM (SELECT * FROM c360_kpi_first_touchpoints WHERE ${filter}) t
   WHERE t.customer_id = l.customer_id
     AND (l.channel IS DISTINCT FROM t.channel OR l.first_touch_at IS DISTINCT FROM t.occurred_at)`;

/**
 * Adds (`sign` 1) or takes away (−1) the month summary rows of the streams `filter` picks from the month totals:
 * per month, previous active month (−infinity for none) and, for a stream's first active month, the channel of
 * its first touchpoint, the streams with a purchase that month and the sums. The projection takes a stream's
 * rows away before a batch changes them and adds them back after, so the totals move by the difference.
 */
export const kpiMonthTotalsSql = (filter: string, sign: 1 | -1) => `
  INSERT INTO c360_kpi_months AS k (month, previous_active_month, channel, customers, revenue, costed_revenue, cost)
  SELECT m.month, coalesce(m.previous_active_month, '-infinity'::date),
         CASE WHEN m.previous_active_month IS NULL THEN coalesce(t.channel, 'unknown') ELSE '' END,
         ${sign} * count(*) FILTER (WHERE m.first_purchase_at IS NOT NULL), ${sign} * sum(m.revenue),
         ${sign} * sum(m.costed_revenue), ${sign} * sum(m.cost)
    FROM (SELECT * FROM c360_kpi_customer_months WHERE ${filter}) m
    LEFT JOIN c360_kpi_first_touchpoints t ON t.customer_id = m.customer_id
   GROUP BY 1, 2, 3
  ON CONFLICT (month, previous_active_month, channel) DO UPDATE
     SET customers = k.customers + EXCLUDED.customers, revenue = k.revenue + EXCLUDED.revenue,
         costed_revenue = k.costed_revenue + EXCLUDED.costed_revenue, cost = k.cost + EXCLUDED.cost`;

/**
 * Adds (`sign` 1) or takes away (−1) the spans of the streams `filter` picks from the span totals: per UTC month
 * the span starts in and month its churn instant falls in. The projection takes a stream's spans away before it
 * recomputes them and adds them back after, so the totals move by the difference.
 */
export const kpiSpanTotalsSql = (filter: string, sign: 1 | -1) => `
  INSERT INTO c360_kpi_span_months AS k (started_month, churn_month, spans)
  SELECT date_trunc('month', started_at AT TIME ZONE 'UTC')::date, date_trunc('month', churn_at AT TIME ZONE 'UTC')::date,
         ${sign} * count(*)
    FROM c360_kpi_customer_lives WHERE ${filter}
   GROUP BY 1, 2
  ON CONFLICT (started_month, churn_month) DO UPDATE SET spans = k.spans + EXCLUDED.spans`;

/**
 * Adds (`sign` 1) or takes away (−1) the comeback spans of the streams `filter` picks from the comeback totals:
 * a span is counted, per the month it starts in and the month its churn instant falls in, once at each of the 12
 * month starts up to its own month's start that an earlier span of the stream covers (started before it, churn
 * instant at or after it): the starts of the periods (month, quarter, year) it starts in at which the customer was
 * alive before coming back. Kept by difference like the span totals.
 */
export const kpiComebackTotalsSql = (filter: string, sign: 1 | -1) => `
  INSERT INTO c360_kpi_comeback_months AS k (started_month, churn_month, covered_month, spans)
  SELECT date_trunc('month', j.started_at AT TIME ZONE 'UTC')::date, date_trunc('month', j.churn_at AT TIME ZONE 'UTC')::date,
         c.covered::date, ${sign} * count(*)
    FROM (SELECT * FROM c360_kpi_customer_lives WHERE ${filter}) j
   CROSS JOIN LATERAL generate_series(date_trunc('month', j.started_at AT TIME ZONE 'UTC') - interval '11 months',
                                      date_trunc('month', j.started_at AT TIME ZONE 'UTC'), interval '1 month') AS c(covered)
   WHERE j.started_at > j.first_purchase_at
     AND EXISTS (SELECT 1 FROM c360_kpi_customer_lives p
                  WHERE p.customer_id = j.customer_id AND p.started_at < j.started_at
                    AND p.started_at < c.covered AT TIME ZONE 'UTC' AND p.churn_at >= c.covered AT TIME ZONE 'UTC')
   GROUP BY 1, 2, 3
  ON CONFLICT (started_month, churn_month, covered_month) DO UPDATE SET spans = k.spans + EXCLUDED.spans`;

/**
 * Adds (`sign` 1) or takes away (−1) the month summary rows of the streams `filter` picks from the cohort totals:
 * per first active month, month and previous active month (−infinity for none), the streams with a purchase that
 * month and their revenue. Kept by difference with the month totals.
 */
export const kpiCohortTotalsSql = (filter: string, sign: 1 | -1) => `
  INSERT INTO c360_kpi_cohort_months AS k (first_active_month, month, previous_active_month, customers, revenue)
  SELECT first_active_month, month, coalesce(previous_active_month, '-infinity'::date),
         ${sign} * count(*) FILTER (WHERE first_purchase_at IS NOT NULL), ${sign} * sum(revenue)
    FROM c360_kpi_customer_months WHERE first_active_month IS NOT NULL AND (${filter})
   GROUP BY 1, 2, 3
  ON CONFLICT (first_active_month, month, previous_active_month) DO UPDATE
     SET customers = k.customers + EXCLUDED.customers, revenue = k.revenue + EXCLUDED.revenue`;

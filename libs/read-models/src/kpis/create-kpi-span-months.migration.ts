import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `c360_kpi_span_months`: the alive spans of every stream (`c360_kpi_customer_lives`) counted per UTC month they
 * start in and month their churn instant falls in, so alive at a period start and churned in a period read a few
 * hundred rows instead of one per span; `c360_kpi_comeback_months`: the spans that follow an earlier one, per
 * start month, churn month and each of the 12 month starts up to their own that an earlier span covers, so the
 * comebacks that undo a churn in a period read totals too; `c360_kpi_cohort_months`: the month summary rows
 * added up per first active month, month and previous active month, for the cohorts. The `kpis` projection keeps
 * them by difference (a batch takes the rows of the streams it changes away, then adds them back as they then
 * stand).
 */
export class CreateKpiSpanMonths1763902500100 implements MigrationInterface {
  name = 'CreateKpiSpanMonths1763902500100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE c360_kpi_span_months (
        -- the UTC month of the span's started_at
        started_month date    NOT NULL,
        -- the UTC month of the span's churn_at (which may lie ahead)
        churn_month   date    NOT NULL,
        spans         integer NOT NULL,
        PRIMARY KEY (started_month, churn_month)
      )`);
    // A frozen copy of what the projection runs (kpi-derived-rows.ts) as of this migration, for the existing spans.
    await queryRunner.query(`
  INSERT INTO c360_kpi_span_months AS k (started_month, churn_month, spans)
  SELECT date_trunc('month', started_at AT TIME ZONE 'UTC')::date, date_trunc('month', churn_at AT TIME ZONE 'UTC')::date,
         1 * count(*)
    FROM c360_kpi_customer_lives WHERE TRUE
   GROUP BY 1, 2
  ON CONFLICT (started_month, churn_month) DO UPDATE SET spans = k.spans + EXCLUDED.spans`);
    await queryRunner.query(`
      CREATE TABLE c360_kpi_comeback_months (
        -- the UTC month of the comeback span's started_at
        started_month date    NOT NULL,
        -- the UTC month of its churn_at
        churn_month   date    NOT NULL,
        -- a month start, up to 11 months before started_month, at which an earlier span of the stream was alive
        covered_month date    NOT NULL,
        spans         integer NOT NULL,
        PRIMARY KEY (started_month, churn_month, covered_month)
      )`);
    await queryRunner.query(`
  INSERT INTO c360_kpi_comeback_months AS k (started_month, churn_month, covered_month, spans)
  SELECT date_trunc('month', j.started_at AT TIME ZONE 'UTC')::date, date_trunc('month', j.churn_at AT TIME ZONE 'UTC')::date,
         c.covered::date, 1 * count(*)
    FROM (SELECT * FROM c360_kpi_customer_lives WHERE TRUE) j
   CROSS JOIN LATERAL generate_series(date_trunc('month', j.started_at AT TIME ZONE 'UTC') - interval '11 months',
                                      date_trunc('month', j.started_at AT TIME ZONE 'UTC'), interval '1 month') AS c(covered)
   WHERE j.started_at > j.first_purchase_at
     AND EXISTS (SELECT 1 FROM c360_kpi_customer_lives p
                  WHERE p.customer_id = j.customer_id AND p.started_at < j.started_at
                    AND p.started_at < c.covered AT TIME ZONE 'UTC' AND p.churn_at >= c.covered AT TIME ZONE 'UTC')
   GROUP BY 1, 2, 3
  ON CONFLICT (started_month, churn_month, covered_month) DO UPDATE SET spans = k.spans + EXCLUDED.spans`);
    await queryRunner.query(`
      CREATE TABLE c360_kpi_cohort_months (
        first_active_month    date    NOT NULL,
        month                 date    NOT NULL,
        -- -infinity for none (the first active month)
        previous_active_month date    NOT NULL,
        -- streams with a purchase in the month
        customers             integer NOT NULL,
        revenue               numeric NOT NULL,
        PRIMARY KEY (first_active_month, month, previous_active_month)
      )`);
    await queryRunner.query(`
  INSERT INTO c360_kpi_cohort_months AS k (first_active_month, month, previous_active_month, customers, revenue)
  SELECT first_active_month, month, coalesce(previous_active_month, '-infinity'::date),
         1 * count(*) FILTER (WHERE first_purchase_at IS NOT NULL), 1 * sum(revenue)
    FROM c360_kpi_customer_months WHERE first_active_month IS NOT NULL AND (TRUE)
   GROUP BY 1, 2, 3
  ON CONFLICT (first_active_month, month, previous_active_month) DO UPDATE
     SET customers = k.customers + EXCLUDED.customers, revenue = k.revenue + EXCLUDED.revenue`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_kpi_cohort_months');
    await queryRunner.query('DROP TABLE c360_kpi_comeback_months');
    await queryRunner.query('DROP TABLE c360_kpi_span_months');
  }
}

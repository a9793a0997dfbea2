import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the KPI queries count, kept per stream by the `kpis` projection so they can answer with SQL aggregates:
 * `c360_kpi_customer_lives` holds each stream's alive spans for the default `churnAfterDays` of 365 (a span
 * starts with a purchase after a silence of more than 365 days, or the first, and ends at its last purchase
 * + 365 days: the churn instant, stored even when it lies ahead); the month summary learns each stream's first
 * month with a purchase and, per month, the previous month with one. Both are recomputed from the stream's
 * facts whenever a batch adds facts to it, so late (out-of-order) purchases leave them exact.
 */
export class CreateKpiCustomerLives1763902200100 implements MigrationInterface {
  name = 'CreateKpiCustomerLives1763902200100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE c360_kpi_customer_lives (
        customer_id       text NOT NULL,
        -- the purchase the span starts with
        started_at        timestamptz NOT NULL,
        -- the span's last purchase + 365 days
        churn_at          timestamptz NOT NULL,
        -- the start of the stream's next span, null for the last one
        next_started_at   timestamptz,
        -- the stream's first purchase (the start of its first span)
        first_purchase_at timestamptz NOT NULL,
        PRIMARY KEY (customer_id, started_at)
      )`);
    await queryRunner.query('CREATE INDEX c360_kpi_customer_lives_churn ON c360_kpi_customer_lives (churn_at)');
    await queryRunner.query(
      'CREATE INDEX c360_kpi_customer_lives_comeback ON c360_kpi_customer_lives (started_at) WHERE started_at > first_purchase_at',
    );
    await queryRunner.query(`
      ALTER TABLE c360_kpi_customer_months
        ADD COLUMN first_active_month date,
        ADD COLUMN previous_active_month date`);
    // Frozen copies of what the projection runs (kpi-derived-rows.ts) as of this migration, for the existing facts.
    await queryRunner.query(`
  UPDATE c360_kpi_customer_months m
     SET first_active_month = x.first_active, previous_active_month = x.previous_active
    FROM (SELECT customer_id, month,
                 min(month) FILTER (WHERE first_purchase_at IS NOT NULL) OVER (PARTITION BY customer_id) AS first_active,
                 max(month) FILTER (WHERE first_purchase_at IS NOT NULL)
                   OVER (PARTITION BY customer_id ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                   AS previous_active
            FROM c360_kpi_customer_months WHERE TRUE) x
   WHERE m.customer_id = x.customer_id AND m.month = x.month
     AND (m.first_active_month IS DISTINCT FROM x.first_active
          OR m.previous_active_month IS DISTINCT FROM x.previous_active)`);
    await queryRunner.query(`
  INSERT INTO c360_kpi_customer_lives (customer_id, started_at, churn_at, next_started_at, first_purchase_at)
  SELECT customer_id, started_at, churn_at,
         lead(started_at) OVER (PARTITION BY customer_id ORDER BY started_at),
         min(started_at) OVER (PARTITION BY customer_id)
    FROM (SELECT customer_id, min(occurred_at) AS started_at, max(occurred_at) + interval '8760 hours' AS churn_at
            FROM (SELECT customer_id, occurred_at,
                         count(*) FILTER (WHERE gap) OVER (PARTITION BY customer_id ORDER BY occurred_at) AS span
                    FROM (SELECT customer_id, occurred_at,
                                 coalesce(occurred_at > lag(occurred_at) OVER (PARTITION BY customer_id ORDER BY occurred_at)
                                                        + interval '8760 hours', TRUE) AS gap
                            FROM c360_kpi_purchases WHERE orders > 0 AND TRUE) p) q
           GROUP BY customer_id, span) s`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_kpi_customer_lives');
    await queryRunner.query(
      'ALTER TABLE c360_kpi_customer_months DROP COLUMN first_active_month, DROP COLUMN previous_active_month',
    );
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `c360_kpi_silences`: each stream's purchases followed by more than 30 days without one (with the next
 * purchase), and its last purchase. The alive spans for any `churnAfterDays` of 30 days or more break only at
 * those silences, so churn and lifetimes for such a threshold read them instead of every purchase.
 * `c360_kpi_silence_days`: the silences counted per UTC day of the purchase before and month of the purchase
 * after, so "alive at a period start" and "churned in a period" read totals. The `kpis` projection recomputes a
 * stream's silences whenever a batch adds purchases to it, and keeps the totals by difference.
 */
export class CreateKpiSilences1763902700100 implements MigrationInterface {
  name = 'CreateKpiSilences1763902700100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE c360_kpi_silences (
        customer_id      text NOT NULL,
        -- a purchase followed by more than 30 days without one, or the stream's last purchase
        purchase_at      timestamptz NOT NULL,
        -- the purchase that ends the silence; null after the last purchase
        next_purchase_at timestamptz,
        PRIMARY KEY (customer_id, purchase_at)
      )`);
    await queryRunner.query('CREATE INDEX c360_kpi_silences_next ON c360_kpi_silences (next_purchase_at, purchase_at)');
    await queryRunner.query(`
      CREATE TABLE c360_kpi_silence_days (
        -- the UTC day of the purchase before the silence
        purchase_day date    NOT NULL,
        -- the UTC month of the purchase after it; infinity after a last purchase
        next_month   date    NOT NULL,
        silences     integer NOT NULL,
        PRIMARY KEY (purchase_day, next_month)
      )`);
    // Frozen copies of what the projection runs (kpi-derived-rows.ts) as of this migration, for the existing facts.
    await queryRunner.query(`
  INSERT INTO c360_kpi_silences (customer_id, purchase_at, next_purchase_at)
  SELECT customer_id, occurred_at, next_purchase_at
    FROM (SELECT customer_id, occurred_at,
                 lead(occurred_at) OVER (PARTITION BY customer_id ORDER BY occurred_at) AS next_purchase_at
            FROM c360_kpi_purchases WHERE orders > 0 AND TRUE) p
   WHERE next_purchase_at IS NULL OR next_purchase_at > occurred_at + interval '720 hours'`);
    await queryRunner.query(`
  INSERT INTO c360_kpi_silence_days AS k (purchase_day, next_month, silences)
  SELECT (purchase_at AT TIME ZONE 'UTC')::date,
         coalesce(date_trunc('month', next_purchase_at AT TIME ZONE 'UTC')::date, 'infinity'::date), 1 * count(*)
    FROM c360_kpi_silences WHERE TRUE
   GROUP BY 1, 2
  ON CONFLICT (purchase_day, next_month) DO UPDATE SET silences = k.silences + EXCLUDED.silences`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_kpi_silence_days');
    await queryRunner.query('DROP TABLE c360_kpi_silences');
  }
}

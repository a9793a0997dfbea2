import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `c360_kpi_months`: the month summary rows of every stream added up per month, previous active month
 * (−infinity for none) and, for a stream's first active month, the channel of its first touchpoint, so the
 * period figures read a few hundred rows instead of one per customer and month. The `kpis` projection keeps it
 * by difference (a batch takes the rows of the streams it changes away, then adds them back as they then stand).
 */
export class CreateKpiMonths1763902300100 implements MigrationInterface {
  name = 'CreateKpiMonths1763902300100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE c360_kpi_months (
        month                 date    NOT NULL,
        -- the streams' previous month with a purchase; -infinity when none (their first active month)
        previous_active_month date    NOT NULL,
        -- the channel of the first touchpoint for a first active month, '' otherwise
        channel               text    NOT NULL,
        -- streams with a purchase in the month
        customers             integer NOT NULL,
        revenue               numeric NOT NULL,
        costed_revenue        numeric NOT NULL,
        cost                  numeric NOT NULL,
        PRIMARY KEY (month, previous_active_month, channel)
      )`);
    // A frozen copy of what the projection runs (kpi-derived-rows.ts) as of this migration, for the existing rows.
    await queryRunner.query(`
  INSERT INTO c360_kpi_months AS k (month, previous_active_month, channel, customers, revenue, costed_revenue, cost)
  SELECT m.month, coalesce(m.previous_active_month, '-infinity'::date),
         CASE WHEN m.previous_active_month IS NULL THEN coalesce(t.channel, 'unknown') ELSE '' END,
         1 * count(*) FILTER (WHERE m.first_purchase_at IS NOT NULL), 1 * sum(m.revenue),
         1 * sum(m.costed_revenue), 1 * sum(m.cost)
    FROM (SELECT * FROM c360_kpi_customer_months WHERE TRUE) m
    LEFT JOIN c360_kpi_first_touchpoints t ON t.customer_id = m.customer_id
   GROUP BY 1, 2, 3
  ON CONFLICT (month, previous_active_month, channel) DO UPDATE
     SET customers = k.customers + EXCLUDED.customers, revenue = k.revenue + EXCLUDED.revenue,
         costed_revenue = k.costed_revenue + EXCLUDED.costed_revenue, cost = k.cost + EXCLUDED.cost`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_kpi_months');
  }
}

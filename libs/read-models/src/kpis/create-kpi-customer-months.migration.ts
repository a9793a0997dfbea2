import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Purchases summed per stream and UTC month, kept by the `kpis` projection beside the facts, so the KPI queries
 * read one row per customer and month instead of every purchase. Keyed by occurred month: a whole month before
 * `asOf`'s month is complete as of `asOf` whenever it was recorded; `asOf`'s own month is read from the facts.
 */
export class CreateKpiCustomerMonths1763902000000 implements MigrationInterface {
  name = 'CreateKpiCustomerMonths1763902000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE c360_kpi_customer_months (
        customer_id       text NOT NULL,
        -- first day of the UTC month the facts occurred in
        month             date NOT NULL,
        orders            integer NOT NULL,
        revenue           numeric NOT NULL,
        costed_revenue    numeric NOT NULL,
        cost              numeric NOT NULL,
        -- earliest and latest purchase of the month; null when the month has returns only
        first_purchase_at timestamptz,
        last_purchase_at  timestamptz,
        PRIMARY KEY (customer_id, month)
      )`);
    await queryRunner.query('CREATE INDEX c360_kpi_customer_months_month ON c360_kpi_customer_months (month)');
    await queryRunner.query(`
      INSERT INTO c360_kpi_customer_months
             (customer_id, month, orders, revenue, costed_revenue, cost, first_purchase_at, last_purchase_at)
      SELECT customer_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date, sum(orders), sum(revenue),
             sum(costed_revenue), sum(cost), min(occurred_at) FILTER (WHERE orders > 0),
             max(occurred_at) FILTER (WHERE orders > 0)
        FROM c360_kpi_purchases
       GROUP BY 1, 2`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_kpi_customer_months');
  }
}

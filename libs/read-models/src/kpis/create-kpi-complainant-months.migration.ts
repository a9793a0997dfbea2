import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `c360_kpi_complainant_months`: the month revenue (as in `c360_kpi_customer_months`) of every stream with a
 * complaint case, so the service impact sums per customer only the spend of those who complained, and gives the
 * no-complaint group the rest of the month totals. The `kpis` projection copies a stream's month rows when it
 * first has a case and whenever a batch changes them. An index on the returns lets the service impact find the
 * streams with only returns in a window without reading its purchases.
 */
export class CreateKpiComplainantMonths1763902800100 implements MigrationInterface {
  name = 'CreateKpiComplainantMonths1763902800100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE c360_kpi_complainant_months (
        customer_id text    NOT NULL,
        -- first day of the UTC month, as in c360_kpi_customer_months
        month       date    NOT NULL,
        revenue     numeric NOT NULL,
        PRIMARY KEY (customer_id, month)
      )`);
    await queryRunner.query('CREATE INDEX c360_kpi_complainant_months_month ON c360_kpi_complainant_months (month)');
    await queryRunner.query(
      'CREATE INDEX c360_kpi_purchases_returns ON c360_kpi_purchases (occurred_at) WHERE orders = 0',
    );
    // A frozen copy of what the projection runs (kpi-derived-rows.ts) as of this migration, for the existing rows.
    await queryRunner.query(`
  INSERT INTO c360_kpi_complainant_months AS k (customer_id, month, revenue)
  SELECT m.customer_id, m.month, m.revenue
    FROM c360_kpi_customer_months m
   WHERE m.customer_id IN (SELECT customer_id FROM c360_kpi_complaints WHERE TRUE)
  ON CONFLICT (customer_id, month) DO UPDATE SET revenue = EXCLUDED.revenue
   WHERE k.revenue IS DISTINCT FROM EXCLUDED.revenue`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX c360_kpi_purchases_returns');
    await queryRunner.query('DROP TABLE c360_kpi_complainant_months');
  }
}

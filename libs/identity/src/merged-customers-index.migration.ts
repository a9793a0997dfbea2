import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A partial index on the streams merged into another customer (root_id differs), so a reader that needs only the
 * merged customers (the KPI queries count them apart) finds the few rows without reading every customer.
 */
export class MergedCustomersIndex1763902500200 implements MigrationInterface {
  name = 'MergedCustomersIndex1763902500200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX c360_customers_merged ON c360_customers (root_id, customer_id) WHERE root_id <> customer_id',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX c360_customers_merged');
  }
}

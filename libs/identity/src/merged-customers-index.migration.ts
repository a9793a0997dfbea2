import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index on whether a stream is merged into another customer (root_id differs), so a reader that needs only the
 * merged customers (the KPI queries count them apart) finds the few rows without reading every customer. An
 * expression index rather than a partial one: the planner picks a partial index on `root_id <> customer_id` only
 * when it guesses the condition selective, and it guesses it matches nearly every row.
 */
export class MergedCustomersIndex1763902500200 implements MigrationInterface {
  name = 'MergedCustomersIndex1763902500200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX c360_customers_merged ON c360_customers ((root_id <> customer_id), root_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX c360_customers_merged');
  }
}

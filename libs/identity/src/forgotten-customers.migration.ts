import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When a customer was forgotten: its identifiers are gone from the index, its own id is refused. */
export class ForgottenCustomers1763902100100 implements MigrationInterface {
  name = 'ForgottenCustomers1763902100100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE c360_customers ADD COLUMN forgotten_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE c360_customers DROP COLUMN forgotten_at');
  }
}

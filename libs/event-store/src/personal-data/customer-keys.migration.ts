import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One key per customer stream for its personal data. Forgetting a customer destroys the key and keeps
 * the row as a tombstone, so the stream can never get a new key and its old ciphertext stays unreadable.
 */
export class CustomerKeys1763902100000 implements MigrationInterface {
  name = 'CustomerKeys1763902100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE c360_customer_keys (
        stream_id    text PRIMARY KEY,
        -- AES-256-GCM key; NULL once the customer is forgotten
        key          bytea,
        created_at   timestamptz NOT NULL DEFAULT now(),
        forgotten_at timestamptz,
        CHECK ((key IS NULL) = (forgotten_at IS NOT NULL))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_customer_keys');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApiKeys1763900000500 implements MigrationInterface {
  name = 'CreateApiKeys1763900000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE c360_api_keys (
        id            text PRIMARY KEY,
        name          text NOT NULL,
        role          text NOT NULL CHECK (role IN ('channel', 'agent', 'analyst', 'auditor', 'admin')),
        channels      text[] NOT NULL DEFAULT '{}',
        secret_sha256 bytea NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        created_by    text NOT NULL,
        revoked_at    timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_api_keys');
  }
}

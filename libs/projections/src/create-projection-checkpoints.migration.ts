import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProjectionCheckpoints1763900000100 implements MigrationInterface {
  name = 'CreateProjectionCheckpoints1763900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE c360_projection_checkpoints (
        name             text PRIMARY KEY,
        position         text NOT NULL,
        events_projected bigint NOT NULL DEFAULT 0,
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_projection_checkpoints');
  }
}

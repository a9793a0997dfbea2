import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTouchpointCounts1763900000300 implements MigrationInterface {
  name = 'CreateTouchpointCounts1763900000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE c360_touchpoint_counts (
        customer_id text NOT NULL,
        channel     text NOT NULL,
        type        text NOT NULL,
        count       bigint NOT NULL,
        first_at    timestamptz NOT NULL,
        last_at     timestamptz NOT NULL,
        PRIMARY KEY (customer_id, channel, type)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_touchpoint_counts');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTimeline1763900000200 implements MigrationInterface {
  name = 'CreateTimeline1763900000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE c360_timeline (
        event_id    uuid PRIMARY KEY,
        customer_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        channel     text NOT NULL,
        type        text NOT NULL,
        summary     text NOT NULL,
        data        jsonb NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX c360_timeline_customer ON c360_timeline (customer_id, occurred_at DESC, event_id DESC)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_timeline');
  }
}

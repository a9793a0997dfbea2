import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customers whose score rows wait for a rescore: the profile projection marks them while it is behind and
 * rescores them together (see `CustomerProfileProjection`). Usually empty when the projection is live.
 */
export class ScoresPending1763902900200 implements MigrationInterface {
  name = 'ScoresPending1763902900200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE c360_customer_scores_pending (customer_id text PRIMARY KEY)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_customer_scores_pending');
  }
}

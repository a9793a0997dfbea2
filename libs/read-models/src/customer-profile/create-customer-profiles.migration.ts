import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCustomerProfiles1763900000700 implements MigrationInterface {
  name = 'CreateCustomerProfiles1763900000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per stream: the fold of that stream alone. A customer's 360 view combines the rows of
    // every stream shown as it (itself and those merged into it) when read.
    await queryRunner.query(`
      CREATE TABLE c360_customer_profiles (
        customer_id text PRIMARY KEY,
        state       jsonb NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // One row per customer as shown (a root): scores at scored_at, for ranking and analytics.
    await queryRunner.query(`
      CREATE TABLE c360_customer_scores (
        customer_id       text PRIMARY KEY,
        loyalty_score     smallint NOT NULL,
        tier              text NOT NULL,
        churn_risk        smallint NOT NULL,
        churn_level       text NOT NULL,
        churn_reasons     jsonb NOT NULL,
        currency          text NOT NULL,
        historical_spend  numeric NOT NULL,
        historical_margin numeric,
        expected_value    numeric NOT NULL,
        orders            integer NOT NULL,
        first_purchase_at timestamptz,
        last_purchase_at  timestamptz,
        first_contact_at  timestamptz,
        last_contact_at   timestamptz,
        open_complaints   integer NOT NULL,
        marketing_consent boolean NOT NULL,
        main_channel      text,
        scored_at         timestamptz NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX c360_customer_scores_loyalty ON c360_customer_scores (loyalty_score DESC, customer_id)',
    );
    await queryRunner.query(
      'CREATE INDEX c360_customer_scores_value ON c360_customer_scores (historical_spend DESC, customer_id)',
    );
    await queryRunner.query(
      'CREATE INDEX c360_customer_scores_churn ON c360_customer_scores (churn_risk DESC, customer_id)',
    );
    await queryRunner.query('CREATE INDEX c360_customer_scores_tier ON c360_customer_scores (tier)');
    await queryRunner.query('CREATE INDEX c360_customer_scores_scored ON c360_customer_scores (scored_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_customer_scores');
    await queryRunner.query('DROP TABLE c360_customer_profiles');
  }
}

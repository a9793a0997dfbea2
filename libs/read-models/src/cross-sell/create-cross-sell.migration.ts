import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The co-purchase affinity read model: who owns what, and the counts that support, confidence and lift need. */
export class CreateCrossSell1763900000800 implements MigrationInterface {
  name = 'CreateCrossSell1763900000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE c360_cross_sell_holdings (
        customer_id text NOT NULL,
        sku         text NOT NULL,
        -- of the latest purchase line of this sku; NULL when only returns were seen
        category    text,
        -- purchased minus returned; owned while > 0 (negative when a return precedes its purchase)
        quantity    bigint NOT NULL,
        PRIMARY KEY (customer_id, sku)
      )`);
    await queryRunner.query(
      'CREATE INDEX c360_cross_sell_holdings_owners ON c360_cross_sell_holdings (sku, customer_id) WHERE quantity > 0',
    );
    await queryRunner.query(`
      CREATE TABLE c360_cross_sell_products (
        sku      text PRIMARY KEY,
        category text,
        owners   bigint NOT NULL
      )`);
    // Both orders of a pair are stored, so "what goes with x" is a prefix scan of the primary key; a pair is
    // deleted when its last co-owner goes. Counts have no CHECK (>= 0): an upsert checks its proposed row, a delta.
    await queryRunner.query(`
      CREATE TABLE c360_cross_sell_pairs (
        sku       text NOT NULL,
        other_sku text NOT NULL,
        co_owners bigint NOT NULL,
        PRIMARY KEY (sku, other_sku),
        CHECK (sku <> other_sku)
      )`);
    await queryRunner.query(`
      CREATE TABLE c360_cross_sell_totals (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        customers bigint NOT NULL
      )`);
    await queryRunner.query('INSERT INTO c360_cross_sell_totals (customers) VALUES (0)');
    await queryRunner.query(`
      CREATE TABLE c360_cross_sell_marketing_consents (
        customer_id text PRIMARY KEY,
        granted     boolean NOT NULL,
        occurred_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_cross_sell_marketing_consents');
    await queryRunner.query('DROP TABLE c360_cross_sell_totals');
    await queryRunner.query('DROP TABLE c360_cross_sell_pairs');
    await queryRunner.query('DROP TABLE c360_cross_sell_products');
    await queryRunner.query('DROP TABLE c360_cross_sell_holdings');
  }
}

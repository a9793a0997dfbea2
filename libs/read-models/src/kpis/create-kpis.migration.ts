import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relationship KPI read model: compact facts with their occurred instants, so every figure can be asked
 * as of any past instant. Rows are per stream customer; queries show them as `c360_customers.root_id`.
 */
export class CreateKpis1763900000900 implements MigrationInterface {
  name = 'CreateKpis1763900000900';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per PurchaseMade (orders 1) or PurchaseReturned (orders 0, amounts negative).
    await queryRunner.query(`
      CREATE TABLE c360_kpi_purchases (
        event_id       text PRIMARY KEY,
        customer_id    text NOT NULL,
        occurred_at    timestamptz NOT NULL,
        orders         smallint NOT NULL,
        -- Σ unitPrice × quantity; a return is valued at the stream's average unit price of its skus
        revenue        numeric NOT NULL,
        -- the part of revenue whose lines carried unitCost, and Σ unitCost × quantity of those lines
        costed_revenue numeric NOT NULL,
        cost           numeric NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX c360_kpi_purchases_occurred ON c360_kpi_purchases (occurred_at)');
    await queryRunner.query(
      'CREATE INDEX c360_kpi_purchases_customer ON c360_kpi_purchases (customer_id, occurred_at)',
    );
    // The projection's own state: what each stream paid per sku so far, to value returns (which carry no price).
    await queryRunner.query(`
      CREATE TABLE c360_kpi_sku_prices (
        customer_id     text NOT NULL,
        sku             text NOT NULL,
        quantity        numeric NOT NULL,
        revenue         numeric NOT NULL,
        costed_quantity numeric NOT NULL,
        cost            numeric NOT NULL,
        PRIMARY KEY (customer_id, sku)
      )`);
    // The earliest touchpoint of each stream, of any type: the customer's acquisition channel.
    await queryRunner.query(`
      CREATE TABLE c360_kpi_first_touchpoints (
        customer_id text PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        channel     text NOT NULL
      )`);
    // A case may be resolved in the log before it is opened: both ends are nullable.
    await queryRunner.query(`
      CREATE TABLE c360_kpi_complaints (
        customer_id text NOT NULL,
        case_id     text NOT NULL,
        opened_at   timestamptz,
        resolved_at timestamptz,
        PRIMARY KEY (customer_id, case_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE c360_kpi_nps (
        event_id    text PRIMARY KEY,
        customer_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        nps         smallint NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX c360_kpi_nps_customer ON c360_kpi_nps (customer_id)');
    await queryRunner.query(`
      CREATE TABLE c360_kpi_marketing_spend (
        spend_id     text PRIMARY KEY,
        channel      text NOT NULL,
        campaign_id  text,
        amount       numeric NOT NULL,
        currency     text NOT NULL,
        -- both days included
        period_start date NOT NULL,
        period_end   date NOT NULL,
        occurred_at  timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE c360_kpi_marketing_spend');
    await queryRunner.query('DROP TABLE c360_kpi_nps');
    await queryRunner.query('DROP TABLE c360_kpi_complaints');
    await queryRunner.query('DROP TABLE c360_kpi_first_touchpoints');
    await queryRunner.query('DROP TABLE c360_kpi_sku_prices');
    await queryRunner.query('DROP TABLE c360_kpi_purchases');
  }
}

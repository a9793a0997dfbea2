import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The identity index: which customer each identifier belongs to, and which customers were merged
 * into which. Write-side state, changed under locks in the same transactions that resolve touchpoints.
 */
export class CreateIdentityIndex1763900000600 implements MigrationInterface {
  name = 'CreateIdentityIndex1763900000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE c360_customers (
        customer_id text PRIMARY KEY,
        -- the customer this one is shown as: itself, or the survivor of the merges it went through
        root_id     text NOT NULL,
        merged_into text REFERENCES c360_customers (customer_id),
        created_at  timestamptz NOT NULL DEFAULT now(),
        -- merges keep the customer known first, so a chain of merges can never loop
        seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE
      )`);
    await queryRunner.query('CREATE INDEX c360_customers_root ON c360_customers (root_id)');
    await queryRunner.query(`
      CREATE TABLE c360_identifiers (
        kind        text NOT NULL,
        value       text NOT NULL,
        customer_id text NOT NULL REFERENCES c360_customers (customer_id),
        linked_at   timestamptz NOT NULL DEFAULT now(),
        -- false until its IdentityLinked event is in the store; a sweep records what a crash left behind
        recorded    boolean NOT NULL DEFAULT false,
        PRIMARY KEY (kind, value)
      )`);
    await queryRunner.query('CREATE INDEX c360_identifiers_customer ON c360_identifiers (customer_id)');
    await queryRunner.query(
      'CREATE INDEX c360_identifiers_unrecorded ON c360_identifiers (linked_at) WHERE NOT recorded',
    );
    await queryRunner.query(`
      CREATE TABLE c360_merges (
        merge_id         uuid PRIMARY KEY,
        survivor_id      text NOT NULL REFERENCES c360_customers (customer_id),
        merged_id        text NOT NULL REFERENCES c360_customers (customer_id),
        reason           text NOT NULL,
        actor            jsonb,
        merged_at        timestamptz NOT NULL DEFAULT now(),
        recorded         boolean NOT NULL DEFAULT false,
        unmerged_at      timestamptz,
        unmerge_reason   text,
        unmerge_recorded boolean NOT NULL DEFAULT false
      )`);
    await queryRunner.query(
      'CREATE UNIQUE INDEX c360_merges_active ON c360_merges (merged_id) WHERE unmerged_at IS NULL',
    );
    // Advisory locks per identifier, always taken in the same order, so two resolutions never deadlock.
    await queryRunner.query(`
      CREATE FUNCTION c360_lock_identifiers(keys text[]) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE k bigint;
      BEGIN
        FOR k IN SELECT DISTINCT hashtextextended(x, 360) FROM unnest(keys) AS x ORDER BY 1 LOOP
          PERFORM pg_advisory_xact_lock(k);
        END LOOP;
      END $$`);
    // Customers already in the store before the index existed are their own roots.
    await queryRunner.query(`
      INSERT INTO c360_customers (customer_id, root_id)
      SELECT DISTINCT substr(stream_id, 10), substr(stream_id, 10) FROM c360_events
       WHERE stream_id LIKE 'customer-%'
      ON CONFLICT DO NOTHING`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION c360_lock_identifiers(text[])');
    await queryRunner.query('DROP TABLE c360_merges');
    await queryRunner.query('DROP TABLE c360_identifiers');
    await queryRunner.query('DROP TABLE c360_customers');
  }
}

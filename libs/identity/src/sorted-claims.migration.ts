import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Concurrent claims inserting the same new customers or identifiers in different orders could wait on
 * each other's uncommitted keys and deadlock (seen under four batches in flight). Every insert now goes
 * in key order, as the advisory locks already do, so one claim waits for the other instead.
 */
export class SortedClaims1763902100300 implements MigrationInterface {
  name = 'SortedClaims1763902100300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION c360_claim_identifiers(new_customers text[], kinds text[], vals text[], owners text[])
      RETURNS boolean LANGUAGE plpgsql AS $$
      DECLARE claimed bigint;
      BEGIN
        INSERT INTO c360_customers (customer_id, root_id)
        SELECT c, c FROM unnest(new_customers) AS c ORDER BY c ON CONFLICT (customer_id) DO NOTHING;
        INSERT INTO c360_identifiers (kind, value, customer_id)
        SELECT * FROM unnest(kinds, vals, owners) AS k(kind, value, owner) ORDER BY k.kind, k.value
        ON CONFLICT (kind, value) DO NOTHING;
        GET DIAGNOSTICS claimed = ROW_COUNT;
        IF claimed < coalesce(array_length(kinds, 1), 0) THEN
          RAISE EXCEPTION USING ERRCODE = 'C3601', MESSAGE = 'an identifier was claimed meanwhile';
        END IF;
        RETURN true;
      EXCEPTION WHEN SQLSTATE 'C3601' THEN
        RETURN false;
      END $$`);
  }

  async down(): Promise<void> {
    // The previous body differs only in the order of its inserts: nothing to undo.
  }
}

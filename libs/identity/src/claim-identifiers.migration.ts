import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Claims identifiers for customers in one statement, all or nothing: when any of them was claimed by
 * someone else meanwhile, nothing is written and the caller resolves again under locks. Identifiers
 * never move once claimed, so a claim that succeeds whole is as good as one made under the locks.
 */
export class ClaimIdentifiers1763900000610 implements MigrationInterface {
  name = 'ClaimIdentifiers1763900000610';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION c360_claim_identifiers(new_customers text[], kinds text[], vals text[], owners text[])
      RETURNS boolean LANGUAGE plpgsql AS $$
      DECLARE claimed bigint;
      BEGIN
        INSERT INTO c360_customers (customer_id, root_id)
        SELECT c, c FROM unnest(new_customers) AS c ON CONFLICT (customer_id) DO NOTHING;
        INSERT INTO c360_identifiers (kind, value, customer_id)
        SELECT * FROM unnest(kinds, vals, owners) ON CONFLICT (kind, value) DO NOTHING;
        GET DIAGNOSTICS claimed = ROW_COUNT;
        IF claimed < coalesce(array_length(kinds, 1), 0) THEN
          RAISE EXCEPTION USING ERRCODE = 'C3601', MESSAGE = 'an identifier was claimed meanwhile';
        END IF;
        RETURN true;
      EXCEPTION WHEN SQLSTATE 'C3601' THEN
        RETURN false;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION c360_claim_identifiers(text[], text[], text[], text[])');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What a link of the chain covers: the event as stored, and the hash of the one before it in its stream. */
export const LINK_CONTENT_SQL = (e: string) => `convert_to(
  ${e}.event_id::text || '|' || ${e}.stream_id || '|' || ${e}.stream_revision::text || '|' || ${e}.type || '|' ||
  ${e}.data::text || '|' || ${e}.metadata::text || '|' ||
  (extract(epoch FROM ${e}.recorded_at) * 1000000)::bigint::text, 'UTF8')`;

/**
 * Tamper evidence: every event stores a SHA-256 over its content and the hash of the previous event
 * of its stream, set by a trigger as rows are inserted (rows of the same statement inserted before it
 * are visible to it, so a batch chains in revision order). Events stored before get theirs now.
 */
export class HashChain1763901000000 implements MigrationInterface {
  name = 'HashChain1763901000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE c360_events ADD COLUMN hash bytea');
    await queryRunner.query(`
      CREATE FUNCTION c360_chain_event() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE previous bytea;
      BEGIN
        SELECT p.hash INTO previous FROM c360_events p
         WHERE p.stream_id = NEW.stream_id AND p.stream_revision = NEW.stream_revision - 1;
        NEW.hash := sha256(coalesce(previous, ''::bytea) || ${LINK_CONTENT_SQL('NEW')});
        RETURN NEW;
      END $fn$`);
    await queryRunner.query(`
      DO $$
      DECLARE r record;
      BEGIN
        FOR r IN SELECT stream_id, stream_revision FROM c360_events ORDER BY stream_id, stream_revision LOOP
          UPDATE c360_events e
             SET hash = sha256(coalesce((SELECT p.hash FROM c360_events p
                                          WHERE p.stream_id = e.stream_id
                                            AND p.stream_revision = e.stream_revision - 1), ''::bytea)
                               || ${LINK_CONTENT_SQL('e')})
           WHERE e.stream_id = r.stream_id AND e.stream_revision = r.stream_revision;
        END LOOP;
      END $$`);
    await queryRunner.query(
      'CREATE TRIGGER c360_events_chain BEFORE INSERT ON c360_events FOR EACH ROW EXECUTE FUNCTION c360_chain_event()',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER c360_events_chain ON c360_events');
    await queryRunner.query('DROP FUNCTION c360_chain_event()');
    await queryRunner.query('ALTER TABLE c360_events DROP COLUMN hash');
  }
}

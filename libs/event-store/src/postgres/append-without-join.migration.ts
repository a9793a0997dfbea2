import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * c360_append joined each new event to its stream's current revision through CTEs the planner guesses at
 * one row, which made a nested loop quadratic in the batch (120 ms for 500 events). Each event now looks
 * its stream's revision up by index directly.
 */
export class AppendWithoutJoin1763900000400 implements MigrationInterface {
  name = 'AppendWithoutJoin1763900000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(APPEND_FUNCTION_SQL);
  }

  async down(): Promise<void> {
    // The previous body gives the same results, only slower: nothing to undo.
  }
}

const APPEND_FUNCTION_SQL = `
CREATE OR REPLACE FUNCTION c360_append(p_writes jsonb, p_events jsonb)
RETURNS TABLE (ordinal bigint, event_id uuid, stream_revision integer, sequence bigint,
               transaction_id xid8, recorded_at timestamptz, duplicate boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_conflict record;
BEGIN
  -- Lock before any write: the transaction id is assigned at the first write, after the lock.
  PERFORM pg_advisory_xact_lock(l.h)
     FROM (SELECT DISTINCT hashtextextended(w.s, 7360) AS h
             FROM jsonb_to_recordset(p_writes) AS w(s text) ORDER BY 1) l;

  IF EXISTS (SELECT 1 FROM jsonb_to_recordset(p_writes) AS w(x integer) WHERE w.x <> -1) THEN
    SELECT w.s, w.x, cur.rev INTO v_conflict
      FROM jsonb_to_recordset(p_writes) AS w(i bigint, s text, x integer)
      CROSS JOIN LATERAL (SELECT max(e.stream_revision) AS rev FROM c360_events e WHERE e.stream_id = w.s) cur
     WHERE w.x <> -1
       AND EXISTS (SELECT 1 FROM jsonb_to_recordset(p_events) AS n(w bigint, id uuid)
                    WHERE n.w = w.i AND NOT EXISTS (SELECT 1 FROM c360_events d WHERE d.event_id = n.id))
       AND NOT ((w.x = -2 AND cur.rev IS NULL)
             OR (w.x = -3 AND cur.rev IS NOT NULL)
             OR (w.x >= 0 AND cur.rev IS NOT NULL AND cur.rev = w.x))
     LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'revision conflict on %', v_conflict.s
        USING ERRCODE = 'C3601',
              DETAIL = json_build_object('streamId', v_conflict.s, 'expected', v_conflict.x, 'actual', v_conflict.rev)::text;
    END IF;
  END IF;

  RETURN QUERY
  WITH ev AS MATERIALIZED (
    SELECT n.ord, n.id, n.t, n.d, n.m, w.s
      FROM jsonb_to_recordset(p_events) AS n(ord bigint, w bigint, id uuid, t text, d jsonb, m jsonb)
      JOIN jsonb_to_recordset(p_writes) AS w(i bigint, s text) ON w.i = n.w
  ), dup AS MATERIALIZED (
    SELECT ev.ord, x.stream_revision, x.sequence, x.transaction_id, x.recorded_at
      FROM ev JOIN c360_events x ON x.event_id = ev.id
  ), fresh AS (
    SELECT ev.*, row_number() OVER (PARTITION BY ev.s ORDER BY ev.ord) AS rn
      FROM ev WHERE NOT EXISTS (SELECT 1 FROM dup WHERE dup.ord = ev.ord)
  ), ins AS (
    INSERT INTO c360_events (stream_id, stream_revision, event_id, type, data, metadata)
    SELECT f.s,
           COALESCE((SELECT x.stream_revision FROM c360_events x WHERE x.stream_id = f.s
                      ORDER BY x.stream_revision DESC LIMIT 1), -1) + f.rn,
           f.id, f.t, f.d, f.m
      FROM fresh f ORDER BY f.ord
    RETURNING c360_events.event_id, c360_events.stream_revision, c360_events.sequence,
              c360_events.transaction_id, c360_events.recorded_at
  )
  SELECT ev.ord, ev.id, ins.stream_revision, ins.sequence, ins.transaction_id, ins.recorded_at, false
    FROM ev JOIN ins ON ins.event_id = ev.id
  UNION ALL
  SELECT dup.ord, ev.id, dup.stream_revision, dup.sequence, dup.transaction_id, dup.recorded_at, true
    FROM dup JOIN ev ON ev.ord = dup.ord;
END
$fn$;
`;

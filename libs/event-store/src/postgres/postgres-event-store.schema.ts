/**
 * The PostgreSQL event store schema.
 *
 * Global order: a sequence value is taken at insert, not at commit, so a reader paging by sequence
 * alone skips an event whose transaction commits late. Each row keeps the id of its writing
 * transaction; readers only return rows whose transaction id is below the snapshot's xmin (every
 * such transaction has ended) and page by the pair (transaction id, sequence).
 *
 * Per-stream order: appends to a stream take an advisory lock on it before their first write, so a
 * later writer of a stream is assigned a later transaction id and the global order keeps each
 * stream's revisions in order.
 */
export const CREATE_EVENT_STORE_SQL = `
CREATE TABLE c360_events (
  sequence        bigint GENERATED ALWAYS AS IDENTITY,
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text NOT NULL,
  stream_revision integer NOT NULL,
  event_id        uuid NOT NULL,
  type            text NOT NULL,
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT c360_events_stream_revision PRIMARY KEY (stream_id, stream_revision)
);
CREATE UNIQUE INDEX c360_events_event_id ON c360_events (event_id);
CREATE UNIQUE INDEX c360_events_global_order ON c360_events (transaction_id, sequence);

-- One round trip per append. p_writes: [{i: write number, s: stream id, x: expected revision}],
-- x = -1 any, -2 no stream, -3 stream exists, n >= 0 exact.
-- p_events: [{ord: event number, w: its write number, id, t: type, d: data, m: metadata}].
CREATE FUNCTION c360_append(p_writes jsonb, p_events jsonb)
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

  RETURN QUERY
  WITH ev AS (
    SELECT n.ord, n.id, n.t, n.d, n.m, w.s
      FROM jsonb_to_recordset(p_events) AS n(ord bigint, w bigint, id uuid, t text, d jsonb, m jsonb)
      JOIN jsonb_to_recordset(p_writes) AS w(i bigint, s text) ON w.i = n.w
  ), dup AS (
    SELECT ev.ord, x.stream_revision, x.sequence, x.transaction_id, x.recorded_at
      FROM ev JOIN c360_events x ON x.event_id = ev.id
  ), fresh AS (
    SELECT ev.*, row_number() OVER (PARTITION BY ev.s ORDER BY ev.ord) AS rn
      FROM ev WHERE NOT EXISTS (SELECT 1 FROM dup WHERE dup.ord = ev.ord)
  ), base AS (
    SELECT f.s, COALESCE((SELECT max(x.stream_revision) FROM c360_events x WHERE x.stream_id = f.s), -1) AS rev
      FROM (SELECT DISTINCT fresh.s FROM fresh) f
  ), ins AS (
    INSERT INTO c360_events (stream_id, stream_revision, event_id, type, data, metadata)
    SELECT fresh.s, base.rev + fresh.rn, fresh.id, fresh.t, fresh.d, fresh.m
      FROM fresh JOIN base ON base.s = fresh.s ORDER BY fresh.ord
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

export const DROP_EVENT_STORE_SQL = `
DROP FUNCTION IF EXISTS c360_append(jsonb, jsonb);
DROP TABLE IF EXISTS c360_events;
`;

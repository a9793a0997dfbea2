import { LINK_CONTENT_SQL } from './hash-chain.migration.js';

export type QueryRows = (sql: string, params: unknown[]) => Promise<unknown[]>;

export interface ChainVerification {
  streamId: string;
  events: number;
  intact: boolean;
  /** The first event whose stored hash does not match its content and its predecessor's hash. */
  firstBrokenLink: { streamRevision: number; eventId: string } | null;
  /** Events stored without a hash (none, once the hash-chain migration ran). */
  unchained: number;
}

/**
 * Recomputes every link of the streams' hash chains in PostgreSQL. A changed row breaks its own
 * link; a deleted one breaks its successor's. The first broken link per stream is reported.
 */
export async function verifyChains(query: QueryRows, streamIds?: string[]): Promise<ChainVerification[]> {
  const rows = (await query(
    `WITH links AS (
       SELECT e.stream_id, e.stream_revision, e.event_id, e.hash IS NULL AS unchained,
              e.hash IS NOT DISTINCT FROM sha256(coalesce(lag(e.hash) OVER w, ''::bytea) || ${LINK_CONTENT_SQL('e')})
                AND e.stream_revision = row_number() OVER w - 1 AS intact
         FROM c360_events e
        WHERE $1::text[] IS NULL OR e.stream_id = ANY($1::text[])
       WINDOW w AS (PARTITION BY e.stream_id ORDER BY e.stream_revision)
     )
     SELECT stream_id, count(*)::int AS events, count(*) FILTER (WHERE unchained)::int AS unchained,
            (array_agg(stream_revision ORDER BY stream_revision) FILTER (WHERE NOT intact))[1] AS broken_revision,
            (array_agg(event_id::text ORDER BY stream_revision) FILTER (WHERE NOT intact))[1] AS broken_event
       FROM links GROUP BY stream_id ORDER BY stream_id`,
    [streamIds ?? null],
  )) as {
    stream_id: string;
    events: number;
    unchained: number;
    broken_revision: number | null;
    broken_event: string | null;
  }[];
  return rows.map((r) => ({
    streamId: r.stream_id,
    events: r.events,
    intact: r.broken_revision === null,
    firstBrokenLink:
      r.broken_revision === null ? null : { streamRevision: r.broken_revision, eventId: r.broken_event! },
    unchained: r.unchained,
  }));
}

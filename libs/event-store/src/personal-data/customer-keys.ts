import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A stream's key, or the fact that its customer was forgotten and the key destroyed. */
export interface StreamKey {
  key?: Buffer;
  forgotten: boolean;
}

interface KeyRow {
  stream_id: string;
  key: Buffer | null;
  forgotten: boolean;
}

/** The per-customer keys in PostgreSQL (the read-model database, whichever store holds the events). */
export class CustomerKeys {
  private readonly pool: pg.Pool;

  constructor(connectionString: string, poolSize = 4) {
    this.pool = new pg.Pool({ connectionString, max: poolSize, application_name: 'c360-keys' });
  }

  /**
   * The keys of these streams, in one round trip; those in `create` get a new key when they have none.
   * A stream absent from the answer has no key and was never forgotten.
   */
  async keysFor(streamIds: string[], create: string[] = []): Promise<Map<string, StreamKey>> {
    const keys = new Map<string, StreamKey>();
    if (streamIds.length === 0) return keys;
    // reads (every page of the log) only look keys up: no insert to plan, nothing written
    const { rows } =
      create.length === 0
        ? await this.pool.query<KeyRow>(
            `SELECT stream_id, key, forgotten_at IS NOT NULL AS forgotten
               FROM c360_customer_keys WHERE stream_id = ANY($1::text[])`,
            [streamIds],
          )
        : await this.pool.query<KeyRow>(
            // New keys go in stream order, so two appends creating keys for the same streams wait rather than deadlock.
            `WITH created AS (
         INSERT INTO c360_customer_keys (stream_id, key)
         SELECT * FROM unnest($2::text[], $3::bytea[]) AS k(stream_id, key) ORDER BY k.stream_id
         ON CONFLICT (stream_id) DO NOTHING
         RETURNING stream_id, key, false AS forgotten
       )
       SELECT * FROM created
       UNION ALL
       SELECT stream_id, key, forgotten_at IS NOT NULL FROM c360_customer_keys WHERE stream_id = ANY($1::text[])`,
            [streamIds, create, create.map(() => randomBytes(32))],
          );
    for (const row of rows) keys.set(row.stream_id, { key: row.key ?? undefined, forgotten: row.forgotten });
    // A key another writer created after this statement's snapshot was neither inserted nor seen: read it now.
    const raced = create.filter((id) => !keys.has(id));
    if (raced.length > 0) for (const [id, key] of await this.keysFor(raced)) keys.set(id, key);
    return keys;
  }

  /** Destroys the keys of these streams for good, leaving tombstones; repeating it changes nothing. */
  async forget(streamIds: string[]): Promise<void> {
    await this.pool.query(
      `INSERT INTO c360_customer_keys (stream_id, key, forgotten_at)
       SELECT s, NULL, now() FROM unnest($1::text[]) AS s
       ON CONFLICT (stream_id) DO UPDATE SET key = NULL, forgotten_at = coalesce(c360_customer_keys.forgotten_at, now())`,
      [streamIds],
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

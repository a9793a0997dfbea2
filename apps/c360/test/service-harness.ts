import { loadConfig } from '@c360/config';
import { READ_MODEL_PROJECTIONS } from '@c360/read-models';
import { createTestDatabase, eventually, type TestDatabase } from '@c360/testing';
import pg from 'pg';
import request from 'supertest';
import { startService, type StartedService } from '../src/bootstrap.js';

/**
 * The whole service on a database of its own, as the e2e stories use it: HTTP calls with a key, a
 * SQL client to look behind it, and a wait for the projector to have read everything stored.
 */
export class ServiceHarness {
  service!: StartedService;
  db!: pg.Client;
  private database!: TestDatabase;

  constructor(private readonly apiKey: string) {}

  async start(): Promise<void> {
    this.database = await createTestDatabase();
    this.service = await startService(this.config());
    this.db = new pg.Client({ connectionString: this.database.url });
    await this.db.connect();
  }

  /** Stops the service and starts it again on the same database (e.g. after emptying read models). */
  async restart(between: () => Promise<void> = async () => undefined): Promise<void> {
    await this.service.stop();
    await between();
    this.service = await startService(this.config());
  }

  async stop(): Promise<void> {
    await this.db?.end();
    await this.service?.stop();
    await this.database?.drop();
  }

  get databaseUrl(): string {
    return this.database.url;
  }

  http() {
    return request(this.service.url);
  }

  /** A GET with the harness's key, or with `apiKey` (e.g. a key of a narrower role). */
  get(path: string, apiKey = this.apiKey) {
    return this.http().get(path).set('x-api-key', apiKey);
  }

  post(path: string, body: unknown, apiKey = this.apiKey) {
    return this.http()
      .post(path)
      .set('x-api-key', apiKey)
      .send(body as object);
  }

  /** Records touchpoints in one batch, every one accepted. */
  async recordAll(bodies: Record<string, unknown>[]): Promise<void> {
    const response = await this.post('/v1/touchpoints/batch', { touchpoints: bodies }).expect(202);
    expect(response.body.rejected).toBe(0);
  }

  /** Restarts on emptied read models: every projection's tables and checkpoints, so each replays the whole log. */
  async replayFromFirstEvent(): Promise<void> {
    const tables = READ_MODEL_PROJECTIONS.flatMap((P) => this.service.app.get(P).tables);
    await this.restart(async () => {
      await this.db.query(`TRUNCATE ${[...tables, 'c360_projection_checkpoints'].join(', ')}`);
    });
  }

  /** Waits until every projection (not a rebuild's own checkpoint) has read every stored event. */
  async caughtUp(timeoutMs = 60000): Promise<void> {
    await eventually(
      async () => {
        const stored = Number((await this.db.query('SELECT count(*) AS n FROM c360_events')).rows[0].n);
        const rows = (
          await this.db.query(
            "SELECT events_projected AS n FROM c360_projection_checkpoints WHERE name NOT LIKE '%#rebuild'",
          )
        ).rows;
        return rows.length === READ_MODEL_PROJECTIONS.length && rows.every((r) => Number(r.n) === stored);
      },
      (done) => done,
      { what: 'the projections to catch up', timeoutMs },
    );
  }

  private config() {
    return loadConfig({
      DATABASE_URL: this.database.url,
      PORT: '0',
      API_KEY: this.apiKey,
      LOG_LEVEL: 'silent',
      PROJECTOR_IDLE_DELAY_MS: '5',
    });
  }
}

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

  get(path: string) {
    return this.http().get(path).set('x-api-key', this.apiKey);
  }

  post(path: string, body: unknown) {
    return this.http()
      .post(path)
      .set('x-api-key', this.apiKey)
      .send(body as object);
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

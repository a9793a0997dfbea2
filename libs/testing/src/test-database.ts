import { createHash, randomBytes } from 'node:crypto';
import { C360_SCHEMA, runMigrations } from '@c360/database';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test`');
  return url;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The template's name changes with the migrations (names and code), so a stale template is never reused. */
function templateName(): string {
  const migrations = (C360_SCHEMA.migrations as (new () => { up: () => unknown })[])
    .map((m) => `${m.name}:${m.prototype.up.toString()}`)
    .join(',');
  return `c360_tpl_${createHash('sha1').update(migrations).digest('hex').slice(0, 12)}`;
}

async function ensureTemplate(): Promise<string> {
  const template = templateName();
  await admin(async (client) => {
    // Test files run in parallel workers: one of them migrates the template, the others wait.
    await client.query('SELECT pg_advisory_lock(736001)');
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (rowCount) return;
      const building = `${template}_building`;
      await client.query(`DROP DATABASE IF EXISTS ${building}`);
      await client.query(`CREATE DATABASE ${building}`);
      await runMigrations(withDatabase(serverUrl(), building), C360_SCHEMA);
      await client.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
    } finally {
      await client.query('SELECT pg_advisory_unlock(736001)');
    }
  });
  return template;
}

/** A fresh, migrated database of its own for one test file: `CREATE DATABASE … TEMPLATE`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = await ensureTemplate();
  const name = `c360_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return {
    name,
    url: withDatabase(serverUrl(), name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Polls until the condition holds or the deadline passes; no fixed sleeps in tests. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 30000, intervalMs = 25, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

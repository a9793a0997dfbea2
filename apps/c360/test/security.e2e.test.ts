import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { loadConfig } from '@c360/config';
import { aCall, aPurchase, createTestDatabase, type TestDatabase } from '@c360/testing';
import pg from 'pg';
import request from 'supertest';
import { startService, type StartedService } from '../src/bootstrap.js';

const ADMIN = 'security-test-admin-key-0123456789';

describe('access, limits and hostile input', () => {
  let database: TestDatabase;
  let service: StartedService;
  let db: pg.Client;
  const keys: Record<string, string> = {};
  const logs: string[] = [];
  const writeStdout = process.stdout.write.bind(process.stdout);

  beforeAll(async () => {
    database = await createTestDatabase();
    // Everything the service logs during these tests is kept, to look for personal data in it.
    process.stdout.write = ((chunk: string | Uint8Array) => {
      logs.push(chunk.toString());
      return true;
    }) as typeof process.stdout.write;
    service = await startService(
      loadConfig({
        DATABASE_URL: database.url,
        PORT: '0',
        API_KEY: ADMIN,
        LOG_LEVEL: 'info',
        RATE_LIMIT_PER_MINUTE: '100000',
      }),
    );
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    for (const [role, channels] of [
      ['channel', ['web', 'call-center']],
      ['agent', []],
      ['analyst', []],
      ['auditor', []],
      ['admin', []],
    ] as const) {
      const res = await request(service.url)
        .post('/v1/api-keys')
        .set('x-api-key', ADMIN)
        .send({ name: `${role} key`, role, channels })
        .expect(201);
      keys[role] = res.body.key;
    }
  });
  afterAll(async () => {
    process.stdout.write = writeStdout;
    await db?.end();
    await service?.stop();
    await database?.drop();
  });

  const send = (method: 'get' | 'post' | 'delete', url: string, key?: string, body?: object) => {
    const req = request(service.url)[method](url);
    if (key) req.set('x-api-key', key);
    return body ? req.send(body) : req;
  };

  describe('every endpoint with every role and with no key', () => {
    type Case = [
      string,
      'get' | 'post' | 'delete',
      string | (() => string),
      () => object | undefined,
      Record<string, number>,
    ];
    const customer = `c-${randomUUID()}`;
    const cases: Case[] = [
      [
        'record one',
        'post',
        '/v1/touchpoints',
        () => aCall({ customer: { customerId: customer } }),
        { none: 401, channel: 202, agent: 202, analyst: 403, auditor: 403, admin: 202 },
      ],
      [
        'record a batch',
        'post',
        '/v1/touchpoints/batch',
        () => ({ touchpoints: [aCall()] }),
        { none: 401, channel: 202, agent: 403, analyst: 403, auditor: 403, admin: 202 },
      ],
      [
        'read a timeline',
        'get',
        `/v1/customers/${customer}/timeline`,
        () => undefined,
        { none: 401, channel: 403, agent: 200, analyst: 403, auditor: 200, admin: 200 },
      ],
      [
        'list keys',
        'get',
        '/v1/api-keys',
        () => undefined,
        { none: 401, channel: 403, agent: 403, analyst: 403, auditor: 403, admin: 200 },
      ],
      [
        'create a key',
        'post',
        '/v1/api-keys',
        () => ({ name: 'x', role: 'agent' }),
        { none: 401, channel: 403, agent: 403, analyst: 403, auditor: 403, admin: 201 },
      ],
      [
        'revoke a key',
        'delete',
        '/v1/api-keys/000000000000',
        () => undefined,
        { none: 401, channel: 403, agent: 403, analyst: 403, auditor: 403, admin: 400 },
      ],
      [
        'health',
        'get',
        '/health',
        () => undefined,
        { none: 200, channel: 200, agent: 200, analyst: 200, auditor: 200, admin: 200 },
      ],
      [
        'metrics (open by default)',
        'get',
        '/metrics',
        () => undefined,
        { none: 200, channel: 200, agent: 200, analyst: 200, auditor: 200, admin: 200 },
      ],
      [
        'OpenAPI document',
        'get',
        '/docs/openapi.json',
        () => undefined,
        { none: 200, channel: 200, agent: 200, analyst: 200, auditor: 200, admin: 200 },
      ],
    ];
    const rows = cases.flatMap(([what, method, url, body, expected]) =>
      Object.entries(expected).map(([role, status]) => [what, role, status, method, url, body] as const),
    );

    it.each(rows)('%s as %s → %i', async (_, role, status, method, url, body) => {
      const res = await send(
        method,
        typeof url === 'function' ? url() : url,
        role === 'none' ? undefined : keys[role],
        body(),
      );
      expect(res.status).toBe(status);
      if (status === 401)
        expect(res.body).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('x-api-key') });
      if (status === 403)
        expect(res.body).toMatchObject({
          code: 'FORBIDDEN',
          message: expect.stringContaining(`this key has role ${role}`),
        });
    });
  });

  it('lets a channel key publish only for its own channels', async () => {
    const refused = await send('post', '/v1/touchpoints', keys.channel, aPurchase({ channel: 'store' })).expect(403);
    expect(refused.body.message).toBe('this key may publish for web, call-center only, not store');
    const batch = await send('post', '/v1/touchpoints/batch', keys.channel, {
      touchpoints: [aCall(), aPurchase({ channel: 'store' })],
    }).expect(202);
    expect(batch.body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'rejected']);
    expect(batch.body.results[1].errors[0].field).toBe('channel');
  });

  it('rejects a wrong key, and a revoked one at once', async () => {
    await send('get', '/v1/api-keys', 'c360_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(401);
    const created = await send('post', '/v1/api-keys', ADMIN, { name: 'short-lived', role: 'agent' }).expect(201);
    // Past the guard: the key is good, the customer unknown.
    await send('get', '/v1/customers/c-1/timeline', created.body.key).expect(404);
    await send('delete', `/v1/api-keys/${created.body.id}`, ADMIN).expect(204);
    const revoked = await send('get', '/v1/customers/c-1/timeline', created.body.key).expect(401);
    expect(revoked.body.message).toBe('Wrong or revoked API key');
  });

  it('stores keys hashed, answers bad key requests with 400, and audits key creation and revocation as events', async () => {
    const { rows } = await db.query('SELECT id, secret_sha256 FROM c360_api_keys');
    const hashes = new Map(
      rows.map((r: { id: string; secret_sha256: Buffer }) => [r.id, r.secret_sha256.toString('hex')]),
    );
    for (const key of Object.values(keys)) {
      const [, id, secret] = /^c360_([0-9a-f]{12})_(.+)$/.exec(key)!;
      expect(hashes.get(id!)).toBe(createHash('sha256').update(secret!).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(secret);
    }
    const bad = await send('post', '/v1/api-keys', ADMIN, { name: '', role: 'root', channels: ['fax'] }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['name', 'role', 'channels']);
    const temporary = await send('post', '/v1/api-keys', ADMIN, { name: 'audited', role: 'auditor' }).expect(201);
    await send('delete', `/v1/api-keys/${temporary.body.id}`, ADMIN).expect(204);
    const audit = await db.query(
      "SELECT type, data, metadata->'actor' AS actor FROM c360_events WHERE stream_id = 'admin-audit' ORDER BY stream_revision",
    );
    expect(audit.rows.filter((r) => r.type === 'ApiKeyCreated').length).toBeGreaterThanOrEqual(5);
    expect(audit.rows.at(-1)).toMatchObject({ type: 'ApiKeyRevoked', data: { keyId: temporary.body.id } });
    expect(audit.rows[0]).toMatchObject({
      type: 'ApiKeyCreated',
      data: { role: 'channel', channels: ['web', 'call-center'] },
      actor: { id: 'configured (API_KEY)' },
    });
  });

  it('treats injection attempts in query parameters and paths as data, never as SQL', async () => {
    const before = Number((await db.query('SELECT count(*) FROM c360_events')).rows[0].count);
    const hostile = [
      "' OR '1'='1",
      "'; DROP TABLE c360_events; --",
      '%27%20OR%201%3D1--',
      '\\x00',
      '$1',
      '{"$gt": ""}',
    ];
    for (const value of hostile) {
      const q = encodeURIComponent(value);
      expect([400, 404]).toContain((await send('get', `/v1/customers/${q}/timeline`, keys.agent)).status);
      for (const param of ['channel', 'type', 'from', 'to', 'limit', 'cursor']) {
        const res = await send('get', `/v1/customers/c-1/timeline?${param}=${q}`, keys.agent);
        expect(res.status).toBe(400);
        expect(res.body.errors[0].field).toBe(param);
      }
    }
    const unknown = await send('get', `/v1/customers/${encodeURIComponent("' OR '1'='1")}/timeline`, keys.agent).expect(
      404,
    );
    expect(unknown.body).toMatchObject({ code: 'NOT_FOUND', message: "No customer ' OR '1'='1" });
    expect(Number((await db.query('SELECT count(*) FROM c360_events')).rows[0].count)).toBe(before);
  });

  it('answers an oversized body with 413, and sends security headers', async () => {
    const huge = {
      touchpoints: [aCall({ data: { reason: 'x'.repeat(9 * 1024 * 1024), durationSeconds: 1, outcome: 'ok' } })],
    };
    const res = await send('post', '/v1/touchpoints/batch', keys.admin, huge).expect(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    const health = await send('get', '/health');
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['x-powered-by']).toBeUndefined();
    expect(health.headers['content-security-policy']).toBeDefined();
  });

  it('never writes e-mails, phone numbers or names to the logs', async () => {
    const email = `maria.${randomUUID().slice(0, 6)}@example.org`;
    const phone = '+34 611 22 33 44';
    const name = `Maria Zygmunt-${randomUUID().slice(0, 4)}`;
    await send('post', '/v1/touchpoints', keys.admin, aCall({ customer: { email, phone } })).expect(202);
    await send('post', '/v1/touchpoints', keys.admin, {
      ...aCall({ customer: { email } }),
      type: 'profile-updated',
      data: { name, address: { city: 'Valencia' } },
    }).expect(202);
    await send('post', '/v1/touchpoints', keys.admin, aCall({ customer: { email: 'not-an-email', phone } })).expect(
      400,
    );
    await send('get', `/v1/customers/c-1/timeline?channel=${encodeURIComponent(email)}`, keys.agent).expect(400);
    const captured = logs.join('');
    expect(captured).toContain('"path":"/v1/touchpoints"'); // the logs were captured at all
    for (const secret of [email, name, '611223344', '+34611223344', phone, ...Object.values(keys), ADMIN]) {
      expect(captured).not.toContain(secret);
    }
  });
});

describe('rate limit and the first admin key', () => {
  let database: TestDatabase;
  afterEach(async () => database?.drop());

  it('answers 429 past the rate limit of a key, with when to retry', async () => {
    database = await createTestDatabase();
    const service = await startService(
      loadConfig({
        DATABASE_URL: database.url,
        PORT: '0',
        API_KEY: ADMIN,
        LOG_LEVEL: 'silent',
        RATE_LIMIT_PER_MINUTE: '5',
      }),
    );
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        statuses.push((await request(service.url).get('/v1/api-keys').set('x-api-key', ADMIN)).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const limited = await request(service.url).get('/v1/api-keys').set('x-api-key', ADMIN);
      expect(limited.body).toMatchObject({
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/at most 5 a minute per key; retry in \d+ s/),
      });
      await request(service.url).get('/health').expect(200);
    } finally {
      await service.stop();
    }
  });

  it('creates and shows one admin key on the first start without API_KEY, and never again', async () => {
    database = await createTestDatabase();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'c360-first-start-'));
    const config = () => loadConfig({ DATABASE_URL: database.url, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const said: string[] = [];
    const first = await startService(config(), (line) => said.push(line));
    const key = /(c360_[0-9a-f]{12}_[A-Za-z0-9_-]{43})/.exec(said.join('\n'))?.[1];
    try {
      expect(key).toBeDefined();
      const keys = await request(first.url).get('/v1/api-keys').set('x-api-key', key!).expect(200);
      expect(keys.body).toEqual([
        expect.objectContaining({ name: 'initial admin', role: 'admin', createdBy: 'first start' }),
      ]);
    } finally {
      await first.stop();
    }
    const again: string[] = [];
    const second = await startService(config(), (line) => again.push(line));
    await second.stop();
    expect(again.join('\n')).not.toContain('c360_');
  });
});

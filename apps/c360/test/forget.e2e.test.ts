import { randomUUID } from 'node:crypto';
import { ProjectorService } from '@c360/projections';
import { aCall, aPageView, aPurchase } from '@c360/testing';
import { ServiceHarness } from './service-harness.js';

const API_KEY = 'e2e-forget-key-0123456789';

describe('the right to be forgotten, and replaying one customer (the whole service over HTTP)', () => {
  const harness = new ServiceHarness(API_KEY);
  const get = (path: string) => harness.get(path);
  const post = (path: string, body: unknown, apiKey?: string) => harness.post(path, body, apiKey);
  const unique = () => randomUUID().slice(0, 8);
  let agentKey: string;

  beforeAll(async () => {
    await harness.start();
    agentKey = (await post('/v1/api-keys', { name: 'agent', role: 'agent' }).expect(201)).body.key;
  });
  afterAll(async () => {
    await harness.stop();
  });

  async function record(body: Record<string, unknown>): Promise<string> {
    return (await post('/v1/touchpoints', body).expect(202)).body.customerId as string;
  }

  async function rawData(streams: string[]): Promise<string> {
    const rows = await harness.db.query('SELECT data::text AS data FROM c360_events WHERE stream_id = ANY($1)', [
      streams.map((s) => `customer-${s}`),
    ]);
    return rows.rows.map((r) => r.data as string).join('\n');
  }

  async function rowsOf(table: string, customers: string[]): Promise<number> {
    const rows = await harness.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE customer_id = ANY($1)`, [
      customers,
    ]);
    return rows.rows[0].n as number;
  }

  const yearKpis = () => get('/v1/analytics/kpis?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&period=year');

  it('stores personal data encrypted, and once forgotten: unreadable, gone from read models, not re-identifiable, still counted', async () => {
    const email = `ana.${unique()}@example.com`;
    const digits = String(Math.floor(1_000_000 + Math.random() * 8_999_999));
    const phone = `+34 61${digits.slice(0, 1)} ${digits.slice(1, 4)} ${digits.slice(4)}`;
    const anonymousId = `anon-${unique()}`;
    const name = `Ana Forgettable ${unique()}`;
    const complaint = `The courier ${unique()} left my parcel with the neighbour`;
    const ana = await record({
      touchpointId: `web-${randomUUID()}`,
      channel: 'web',
      type: 'customer-registered',
      occurredAt: '2026-10-01T10:00:00Z',
      customer: { email, phone },
      data: { name, birthDate: '1990-04-01', address: { line1: 'Calle del Sol 1', city: 'Sevilla', country: 'ES' } },
    });
    // Anonymous browsing, then a login: the anonymous customer is merged into Ana.
    const anon = await record(aPageView({ customer: { anonymousId } }));
    await record(aPageView({ customer: { anonymousId, email } }));
    await record(aPurchase({ customer: { email } }));
    await record({
      touchpointId: `cc-${randomUUID()}`,
      channel: 'call-center',
      type: 'complaint-opened',
      occurredAt: '2026-11-05T10:00:00Z',
      customer: { phone },
      data: { caseId: `case-${unique()}`, category: 'delivery', severity: 'high', text: complaint },
    });
    await harness.caughtUp();
    const members = [ana, anon];

    // Personal data never reaches the event store in clear; the API reads it back decrypted.
    const before = await rawData(members);
    for (const secret of [email, name, 'Calle del Sol', complaint, phone.replace(/ /g, '')]) {
      expect(before).not.toContain(secret);
    }
    const profile = (await get(`/v1/customers/${ana}`).expect(200)).body;
    expect(profile.profile.name).toBe(name);
    expect(profile.mergedCustomers).toEqual([anon]);
    const history = (await get(`/v1/customers/${ana}/history?limit=1000`).expect(200)).body.items;
    expect(history.find((i: { type: string }) => i.type === 'ComplaintOpened').data.text).toBe(complaint);
    const revenue = (await yearKpis().expect(200)).body.periods[0].revenue;
    expect(revenue).toBeGreaterThan(0);
    expect(await rowsOf('c360_timeline', members)).toBeGreaterThan(0);

    // Who may forget, and with what.
    await post(`/v1/customers/${ana}/forget`, {})
      .expect(400)
      .expect((res) => expect(res.body.errors[0].field).toBe('reason'));
    await post(`/v1/customers/${ana}/forget`, { reason: 'erasure request 118' }, agentKey).expect(403);
    await post(`/v1/customers/does-not-exist/forget`, { reason: 'erasure request 118' }).expect(404);

    const forgotten = (await post(`/v1/customers/${anon}/forget`, { reason: 'erasure request 118' }).expect(200)).body;
    expect(forgotten).toMatchObject({ customerId: ana, reason: 'erasure request 118' });
    expect(forgotten.forgotten.sort()).toEqual(members.sort());
    await harness.caughtUp();

    // The keys are gone: the stored ciphertext can never be read again.
    const keys = await harness.db.query(
      'SELECT count(*)::int AS n FROM c360_customer_keys WHERE stream_id = ANY($1) AND key IS NULL AND forgotten_at IS NOT NULL',
      [members.map((m) => `customer-${m}`)],
    );
    expect(keys.rows[0].n).toBe(2);

    // The history stays for auditors, redacted, with the forget itself as an event.
    const redacted = (await get(`/v1/customers/${ana}/history?limit=1000`).expect(200)).body.items as {
      type: string;
      streamId: string;
      forgotten: boolean;
      actor: unknown;
      data: Record<string, unknown>;
    }[];
    expect(redacted.every((i) => i.forgotten)).toBe(true);
    expect(redacted.find((i) => i.type === 'CustomerRegistered')!.data).toMatchObject({
      name: '[redacted]',
      address: '[redacted]',
    });
    expect(redacted.find((i) => i.type === 'ComplaintOpened')!.data).toMatchObject({
      text: '[redacted]',
      category: 'delivery',
    });
    expect(redacted.find((i) => i.type === 'PurchaseMade')!.data).toMatchObject({ currency: 'EUR' });
    expect(redacted.filter((i) => i.type === 'IdentityLinked').every((i) => i.data.value === '[redacted]')).toBe(true);
    const forgetEvents = redacted.filter((i) => i.type === 'CustomerForgotten');
    expect(forgetEvents.map((e) => e.streamId).sort()).toEqual(members.map((m) => `customer-${m}`).sort());
    expect(forgetEvents[0]!.data.reason).toBe('erasure request 118');
    expect(forgetEvents[0]!.actor).toMatchObject({ kind: 'agent' });
    expect(JSON.stringify(redacted)).not.toContain(name);
    expect((await get(`/v1/customers/${ana}/history/verify`).expect(200)).body.intact).toBe(true);

    // Gone from every per-customer read model, and from the answers.
    for (const table of [
      'c360_timeline',
      'c360_customer_profiles',
      'c360_customer_scores',
      'c360_cross_sell_holdings',
      'c360_cross_sell_marketing_consents',
    ]) {
      expect({ table, rows: await rowsOf(table, members) }).toEqual({ table, rows: 0 });
    }
    await get(`/v1/customers/${ana}`)
      .expect(410)
      .expect((res) => expect(res.body.code).toBe('CUSTOMER_FORGOTTEN'));
    await get(`/v1/customers/${ana}/timeline`).expect(410);
    await get(`/v1/customers/${ana}/state?asOf=2026-11-20T00:00:00Z`).expect(410);

    // Its identifiers no longer lead to it.
    await get(`/v1/customers?email=${encodeURIComponent(email.toUpperCase())}`).expect(404);
    await get(`/v1/customers?phone=${encodeURIComponent(phone.replace(/ /g, '-'))}`).expect(404);
    await get(`/v1/customers?anonymousId=${anonymousId}`).expect(404);
    await get(`/v1/customers?customerId=${ana}`).expect(404);

    // Aggregates still count what it bought.
    expect((await yearKpis().expect(200)).body.periods[0].revenue).toBe(revenue);

    // The same e-mail later is somebody new, with nothing of the old history.
    const newcomer = await record(aCall({ customer: { email } }));
    expect(members).not.toContain(newcomer);
    await harness.caughtUp();
    const fresh = (await get(`/v1/customers/${newcomer}`).expect(200)).body;
    expect(fresh.touchpoints).toBe(1);
    expect(fresh.profile.name).toBeUndefined();
    expect(fresh.mergedCustomers).toEqual([]);

    // Naming the forgotten customer's own id is refused, over the single and the batch endpoints.
    await post('/v1/touchpoints', aCall({ customer: { customerId: ana } }))
      .expect(410)
      .expect((res) => expect(res.body.code).toBe('CUSTOMER_FORGOTTEN'));
    const batch = (
      await post('/v1/touchpoints/batch', {
        touchpoints: [
          aCall({ customer: { customerId: anon } }),
          aCall({ customer: { customerId: `crm-${unique()}` } }),
        ],
      }).expect(202)
    ).body;
    expect(batch).toMatchObject({ accepted: 1, rejected: 1 });
    expect(batch.results[0]).toMatchObject({ status: 'rejected', errors: [{ field: 'customer' }] });
    await post(`/v1/customers/${newcomer}/merge`, { mergedCustomerId: ana, reason: 'same person' }).expect(409);

    // Asking again changes nothing; a rebuild from the first event does not bring it back.
    await post(`/v1/customers/${ana}/forget`, { reason: 'erasure request 118' }).expect(200);
    const projector = harness.service.app.get(ProjectorService);
    for (const projection of ['timeline', 'customer-profile', 'cross-sell']) {
      await projector.rebuilder.rebuild(projection, { restart: true });
    }
    await harness.caughtUp();
    for (const table of [
      'c360_timeline',
      'c360_customer_profiles',
      'c360_customer_scores',
      'c360_cross_sell_holdings',
    ]) {
      expect({ table, rows: await rowsOf(table, members) }).toEqual({ table, rows: 0 });
    }
    const forgets = await harness.db.query(
      "SELECT count(*)::int AS n FROM c360_events WHERE type = 'CustomerForgotten' AND stream_id = ANY($1)",
      [members.map((m) => `customer-${m}`)],
    );
    expect(forgets.rows[0].n).toBe(2);
  });

  it('replays one customer: its per-customer read models are built again from its streams, nothing twice', async () => {
    const id = `crm-${unique()}`;
    const dup = `crm-${unique()}`;
    await record(aPurchase({ customer: { customerId: id } }));
    await record(aCall({ customer: { customerId: id } }));
    await record(aPurchase({ customer: { customerId: dup } }));
    await post(`/v1/customers/${id}/merge`, { mergedCustomerId: dup, reason: 'same person' }).expect(200);
    await harness.caughtUp();
    const profile = (await get(`/v1/customers/${id}`).expect(200)).body;
    const timeline = (await get(`/v1/customers/${id}/timeline?limit=100`).expect(200)).body.items;
    expect(timeline).toHaveLength(3);

    // Damage the read models of this customer only.
    await harness.db.query('DELETE FROM c360_timeline WHERE customer_id = ANY($1)', [[id, dup]]);
    await harness.db.query('DELETE FROM c360_customer_profiles WHERE customer_id = $1', [dup]);
    expect((await get(`/v1/customers/${id}/timeline`).expect(200)).body.items).toEqual([]);

    await post(`/v1/customers/${id}/replay`, {}, agentKey).expect(403);
    await post(`/v1/customers/${dup}/replay`, {}).expect(308);
    const replayed = (await post(`/v1/customers/${id}/replay`, {}).expect(200)).body;
    expect(replayed.customerId).toBe(id);
    expect(replayed.streams.sort()).toEqual([id, dup].sort());
    expect(replayed.projections.map((p: { projection: string }) => p.projection).sort()).toEqual(
      ['customer-profile', 'timeline'].sort(),
    );

    expect((await get(`/v1/customers/${id}/timeline?limit=100`).expect(200)).body.items).toEqual(timeline);
    const again = (await get(`/v1/customers/${id}`).expect(200)).body;
    expect({ ...again, asOf: undefined }).toEqual({ ...profile, asOf: undefined });

    // The projector goes on from where it was: a later touchpoint lands once.
    await record(aCall({ customer: { customerId: dup } }));
    await harness.caughtUp();
    expect((await get(`/v1/customers/${id}/timeline?limit=100`).expect(200)).body.items).toHaveLength(4);
    expect(await rowsOf('c360_timeline', [id, dup])).toBe(4);
  });
});

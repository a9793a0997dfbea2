import { randomUUID } from 'node:crypto';
import { aCall, aPageView, aPurchase, eventually } from '@c360/testing';
import { ServiceHarness } from './service-harness.js';

const API_KEY = 'e2e-test-key-0123456789';

describe('touchpoints in, timeline out (the whole service over HTTP)', () => {
  const harness = new ServiceHarness(API_KEY);
  const http = () => harness.http();
  const post = (path: string, body: unknown) => harness.post(path, body);
  const get = (path: string) => harness.get(path);
  // Touchpoints only: identity events (links, merges) come with them.
  const storedEvents = async () =>
    Number((await harness.db.query("SELECT count(*) FROM c360_events WHERE metadata ? 'touchpointId'")).rows[0].count);

  beforeAll(async () => {
    await harness.start();
  });
  afterAll(async () => {
    await harness.stop();
  });

  interface TimelineBody {
    items: { eventId: string; type: string; channel: string; occurredAt: string }[];
    nextCursor: string | null;
  }

  async function timelineOf(customerId: string, query = '', expected?: number): Promise<TimelineBody> {
    return eventually(
      async () => (await get(`/v1/customers/${customerId}/timeline${query}`).expect(200)).body as TimelineBody,
      (body) => expected === undefined || body.items.length === expected,
      { what: `timeline of ${customerId}` },
    );
  }

  it('records touchpoints from several channels and shows them newest first, a late one in its place', async () => {
    const customerId = `c-${randomUUID()}`;
    const customer = { customerId };
    const purchase = aPurchase({ customer, occurredAt: '2026-11-01T10:00:00Z' });
    const call = aCall({ customer, occurredAt: '2026-11-05T09:00:00Z' });
    const view = aPageView({ customer, occurredAt: '2026-11-03T18:00:00Z' });
    const complaint = {
      touchpointId: `cx-${randomUUID()}`,
      channel: 'email',
      type: 'complaint-opened',
      occurredAt: '2026-11-06T12:00:00+01:00',
      customer,
      data: { caseId: 'case-9', category: 'delivery', severity: 'high', text: 'Parcel arrived broken' },
    };

    const accepted = await post('/v1/touchpoints', purchase).expect(202);
    expect(accepted.body).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      customerId,
      position: expect.any(String),
      duplicate: false,
    });
    await post('/v1/touchpoints', call).expect(202);
    await post('/v1/touchpoints', complaint).expect(202);
    // Arrives last, happened in between: lands in its place by occurredAt.
    await post('/v1/touchpoints', view).expect(202);

    const timeline = await timelineOf(customerId, '', 4);
    expect(timeline.items.map((i: { type: string; channel: string }) => `${i.channel}:${i.type}`)).toEqual([
      'email:complaint-opened',
      'call-center:call',
      'web:page-view',
      'store:purchase',
    ]);
    expect(timeline.items[0]).toMatchObject({
      occurredAt: '2026-11-06T11:00:00.000Z',
      summary: 'Complaint case-9 opened (delivery, high)',
    });
    expect(timeline.items[3]).toMatchObject({
      eventId: accepted.body.eventId,
      summary: 'Purchase ' + (purchase.data as { orderId: string }).orderId + ': 1 item(s), 59.90 EUR',
    });
    expect(timeline.nextCursor).toBeNull();

    const filtered = await timelineOf(customerId, '?channel=web,store&from=2026-11-02T00:00:00Z');
    expect(filtered.items.map((i: { type: string }) => i.type)).toEqual(['page-view']);
    const byType = await timelineOf(customerId, '?type=call');
    expect(byType.items).toHaveLength(1);
  });

  it('pages through a long timeline with a cursor, each item once', async () => {
    const customer = { customerId: `c-${randomUUID()}` };
    const touchpoints = Array.from({ length: 23 }, (_, i) =>
      aCall({ customer, occurredAt: new Date(Date.UTC(2026, 0, 1 + (i % 7), i)).toISOString() }),
    );
    const batch = await post('/v1/touchpoints/batch', { touchpoints }).expect(202);
    expect(batch.body).toMatchObject({ accepted: 23, duplicates: 0, rejected: 0 });
    await timelineOf(customer.customerId, '?limit=500', 23);

    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page: { items: { eventId: string; occurredAt: string }[]; nextCursor: string | null } = (
        await get(`/v1/customers/${customer.customerId}/timeline?limit=5${cursor ? `&cursor=${cursor}` : ''}`).expect(
          200,
        )
      ).body;
      seen.push(...page.items.map((i) => i.eventId));
      cursor = page.nextCursor;
      pages++;
    }
    expect(pages).toBe(5);
    expect(new Set(seen).size).toBe(23);
    const all = (await get(`/v1/customers/${customer.customerId}/timeline?limit=500`).expect(200)).body.items;
    expect(seen).toEqual(all.map((i: { eventId: string }) => i.eventId));
    const times = all.map((i: { occurredAt: string }) => i.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('stores a touchpoint sent twice once, over single and batch calls alike', async () => {
    const touchpoint = aCall();
    const before = await storedEvents();
    const first = await post('/v1/touchpoints', touchpoint).expect(202);
    const again = await post('/v1/touchpoints', touchpoint).expect(202);
    const inBatch = await post('/v1/touchpoints/batch', { touchpoints: [touchpoint, touchpoint] }).expect(202);

    expect(again.body).toEqual({ ...first.body, duplicate: true });
    expect(inBatch.body).toMatchObject({ accepted: 0, duplicates: 2, rejected: 0 });
    expect(await storedEvents()).toBe(before + 1);
  });

  it('maps one identifier to one customer, normalising e-mail and phone', async () => {
    const email = `Ana.${randomUUID()}@Example.COM`;
    const a = await post('/v1/touchpoints', aPageView({ customer: { email: `  ${email} ` } })).expect(202);
    const b = await post('/v1/touchpoints', aCall({ customer: { email: email.toLowerCase() } })).expect(202);
    expect(a.body.customerId).toBe(b.body.customerId);
    expect(a.body.customerId).not.toContain('@');

    const p1 = await post('/v1/touchpoints', aCall({ customer: { phone: '+34 600 12 34 56' } })).expect(202);
    const p2 = await post('/v1/touchpoints', aCall({ customer: { phone: '600123456' } })).expect(202);
    expect(p1.body.customerId).toBe(p2.body.customerId);
  });

  describe('bad input', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['an unknown channel, by name', aPurchase({ channel: 'fax' }), 'channel "fax" is unknown'],
      ['an unknown type, by name', aPurchase({ type: 'teleportation' }), 'type "teleportation" is unknown'],
      ['a missing touchpointId', aPurchase({ touchpointId: undefined }), 'touchpointId is required'],
      [
        'a date without time zone',
        aPurchase({ occurredAt: '2026-11-01T10:00:00' }),
        'occurredAt must be an ISO 8601 date-time with a time zone',
      ],
      ['no customer identifier', aPurchase({ customer: {} }), 'customer must name the customer'],
      [
        'a malformed e-mail',
        aPurchase({ customer: { email: 'not-an-email' } }),
        'customer.email is not an e-mail address',
      ],
      [
        'an impossible phone',
        aPurchase({ customer: { phone: '12' } }),
        'customer.phone is not a possible phone number',
      ],
      [
        'a negative quantity',
        aPurchase({
          data: { orderId: 'o', currency: 'EUR', lines: [{ sku: 's', category: 'c', quantity: -1, unitPrice: 1 }] },
        }),
        'data.lines.0.quantity must not be less than 1',
      ],
      [
        'an NPS out of range',
        { ...aCall(), type: 'survey-answered', data: { surveyId: 's', nps: 11 } },
        'data.nps must not be greater than 10',
      ],
      ['a field no type has', aPurchase({ colour: 'red' }), 'colour is not a known field'],
      ['data of another type', { ...aCall(), data: { orderId: 'o' } }, 'data.reason is required'],
    ];

    it.each(cases)('rejects %s with a 400 naming the field, and stores nothing', async (_, body, reason) => {
      const before = await storedEvents();
      const response = await post('/v1/touchpoints', body).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors.map((e: { reason: string }) => e.reason).join(' | ')).toContain(reason);
      expect(await storedEvents()).toBe(before);
    });

    it('rejects a body that is not JSON, or not an object', async () => {
      const malformed = await http()
        .post('/v1/touchpoints')
        .set('x-api-key', API_KEY)
        .set('content-type', 'application/json')
        .send('{"touchpointId": ')
        .expect(400);
      expect(malformed.body.code).toBe('MALFORMED_JSON');
      const array = await post('/v1/touchpoints', [1, 2]).expect(400);
      expect(array.body.errors[0].reason).toBe('a touchpoint must be a JSON object');
    });

    it('answers a batch item by item: valid ones stored, invalid ones rejected with reasons', async () => {
      const before = await storedEvents();
      const response = await post('/v1/touchpoints/batch', {
        touchpoints: [aCall(), aPurchase({ channel: 'fax' }), aPageView(), 'nonsense'],
      }).expect(202);
      expect(response.body).toMatchObject({ accepted: 2, duplicates: 0, rejected: 2 });
      expect(response.body.results.map((r: { status: string }) => r.status)).toEqual([
        'accepted',
        'rejected',
        'accepted',
        'rejected',
      ]);
      expect(response.body.results[1].errors[0].field).toBe('channel');
      expect(await storedEvents()).toBe(before + 2);
    });

    it('rejects an empty or oversized batch as a whole', async () => {
      await post('/v1/touchpoints/batch', { touchpoints: [] }).expect(400);
      const big = await post('/v1/touchpoints/batch', {
        touchpoints: Array.from({ length: 1001 }, () => aCall()),
      }).expect(400);
      expect(big.body.errors[0]).toEqual({
        field: 'touchpoints',
        reason: 'touchpoints must hold 1 to 1000 items, got 1001',
      });
    });

    it('rejects bad timeline queries with a 400', async () => {
      const res = await get('/v1/customers/c-1/timeline?limit=0&channel=fax').expect(400);
      expect(res.body.errors[0].field).toBe('limit');
      expect((await get('/v1/customers/c-1/timeline?channel=fax').expect(400)).body.errors[0].field).toBe('channel');
      expect((await get('/v1/customers/c-1/timeline?cursor=abc').expect(400)).body.errors[0].field).toBe('cursor');
      expect((await get('/v1/customers/c-1/timeline?from=yesterday').expect(400)).body.errors[0].field).toBe('from');
    });
  });

  describe('access and operations', () => {
    it('needs the API key on /v1, with a clear 401', async () => {
      const missing = await http().post('/v1/touchpoints').send(aCall()).expect(401);
      expect(missing.body).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('x-api-key') });
      await http().get('/v1/customers/c-1/timeline').set('x-api-key', 'wrong-key').expect(401);
    });

    it('reports health, metrics and the OpenAPI document without a key', async () => {
      const health = await http().get('/health').expect(200);
      expect(health.body).toMatchObject({
        status: 'ok',
        database: 'up',
        eventStore: { oldestOpenTransactionSeconds: expect.any(Number) },
      });
      expect(health.body.projections.map((p: { name: string }) => p.name)).toEqual([
        'timeline',
        'touchpoint-counts',
        'customer-profile',
        'cross-sell',
        'kpis',
      ]);
      const metrics = await http().get('/metrics').expect(200);
      expect(metrics.text).toContain('c360_touchpoints_total');
      expect(metrics.text).toContain('c360_oldest_open_transaction_seconds');
      const openapi = await http().get('/docs/openapi.json').expect(200);
      expect(Object.keys(openapi.body.paths)).toEqual(
        expect.arrayContaining([
          '/v1/touchpoints',
          '/v1/touchpoints/batch',
          '/v1/customers/{customerId}/timeline',
          '/health',
        ]),
      );
    });
  });
});

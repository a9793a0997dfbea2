import { randomUUID } from 'node:crypto';
import { EVENT_STORE, type EventStore } from '@c360/event-store';
import { PendingIdentityEventsSweep } from '@c360/identity';
import { aCall, aPageView, aPurchase, eventually } from '@c360/testing';
import pg from 'pg';
import { ServiceHarness } from './service-harness.js';

const API_KEY = 'e2e-identity-key-0123456789';

describe('identity resolution: one customer across channels (the whole service over HTTP)', () => {
  const harness = new ServiceHarness(API_KEY);
  const get = (path: string) => harness.get(path);
  const post = (path: string, body: unknown) => harness.post(path, body);
  const http = () => harness.http();
  const unique = () => randomUUID().slice(0, 8);

  beforeAll(async () => {
    await harness.start();
  });
  afterAll(async () => {
    await harness.stop();
  });

  async function record(body: Record<string, unknown>): Promise<string> {
    const response = await post('/v1/touchpoints', body).expect(202);
    return (response.body as { customerId: string }).customerId;
  }

  /** IdentityLinked events of the customer naming this value, as the store reads them (decrypted). */
  async function linksOf(customerId: string, value: string): Promise<number> {
    const store = harness.service.app.get<EventStore>(EVENT_STORE);
    const events = await store.readStream(`customer-${customerId}`);
    return events.filter((e) => e.type === 'IdentityLinked' && (e.data as { value: string }).value === value).length;
  }

  /** How many of these e-mails the index holds, and how many customers own them. */
  async function emailOwners(emails: string[]): Promise<{ n: number; customers: number }> {
    const rows = await harness.db.query(
      `SELECT count(*)::int AS n, count(DISTINCT customer_id)::int AS customers FROM c360_identifiers
        WHERE kind = 'email' AND value = ANY($1)`,
      [emails],
    );
    return rows.rows[0];
  }

  async function lookup(query: string): Promise<string> {
    return ((await get(`/v1/customers?${query}`).expect(200)).body as { customerId: string }).customerId;
  }

  async function timelineIds(customerId: string, expected: number): Promise<string[]> {
    const body = await eventually(
      async () =>
        (await get(`/v1/customers/${customerId}/timeline`).expect(200)).body as { items: { eventId: string }[] },
      (b) => b.items.length === expected,
      { what: `${expected} timeline entries of ${customerId}` },
    );
    return body.items.map((i) => i.eventId).sort();
  }

  describe('normalisation', () => {
    it('matches an e-mail whatever its case and surrounding spaces', async () => {
      const name = unique();
      const customerId = await record(aCall({ customer: { email: `  ${name}.Garcia@Example.COM ` } }));
      expect(await lookup(`email=${name}.garcia@example.com`)).toBe(customerId);
      expect(await lookup(`email=${encodeURIComponent(` ${name.toUpperCase()}.GARCIA@example.com`)}`)).toBe(customerId);
      expect(await record(aPurchase({ customer: { email: `${name}.garcia@EXAMPLE.com` } }))).toBe(customerId);
    });

    it('matches a phone written nationally (default country ES) or internationally, with any separators', async () => {
      const digits = String(600000000 + Math.floor(Math.random() * 99999999));
      const national = `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
      const customerId = await record(aCall({ customer: { phone: national } }));
      expect(await record(aCall({ customer: { phone: `+34 ${digits}` } }))).toBe(customerId);
      expect(await record(aCall({ customer: { phone: `(+34) ${digits.slice(0, 3)}-${digits.slice(3)}` } }))).toBe(
        customerId,
      );
      expect(await lookup(`phone=${encodeURIComponent(`+34${digits}`)}`)).toBe(customerId);
    });

    it.each([
      [{ email: 'not-an-email' }, 'customer.email', 'customer.email is not an e-mail address'],
      [{ phone: '12' }, 'customer.phone', 'customer.phone is not a possible phone number'],
    ])('refuses %j with 400 naming the field and the reason, storing nothing', async (customer, field, reason) => {
      const before = Number((await harness.db.query('SELECT count(*) FROM c360_events')).rows[0].count);
      const response = await post('/v1/touchpoints', aCall({ customer })).expect(400);
      expect(response.body.errors).toEqual([{ field, reason }]);
      expect(Number((await harness.db.query('SELECT count(*) FROM c360_events')).rows[0].count)).toBe(before);
    });

    it('answers a lookup of an invalid identifier with 400, and of an unknown one with 404', async () => {
      const bad = await get('/v1/customers?phone=12').expect(400);
      expect(bad.body.errors).toEqual([{ field: 'phone', reason: 'phone is not a possible phone number' }]);
      await get(`/v1/customers?email=nobody-${unique()}@example.com`).expect(404);
      await get('/v1/customers').expect(400);
    });
  });

  describe('linking', () => {
    it('a new identifier named beside a known one joins that customer', async () => {
      const customerId = `crm-${unique()}`;
      const phone = `+3491${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
      await record(aCall({ customer: { customerId } }));
      expect(await record(aCall({ customer: { customerId, phone } }))).toBe(customerId);
      expect(await lookup(`phone=${encodeURIComponent(phone)}`)).toBe(customerId);
      const linked = await harness.db.query(
        `SELECT data->>'kind' AS kind FROM c360_events WHERE stream_id = $1 AND type = 'IdentityLinked' ORDER BY 1`,
        [`customer-${customerId}`],
      );
      expect(linked.rows.map((r) => r.kind)).toEqual(['customerId', 'phone']);
    });

    it('anonymous web history joins the customer at login and shows in the timeline', async () => {
      const email = `shopper-${unique()}@example.com`;
      const anonymousId = `anon-${unique()}`;
      const shopper = await record(aPurchase({ customer: { email }, occurredAt: '2026-10-01T10:00:00Z' }));
      const views = [];
      for (const day of ['03', '04', '05']) {
        const view = aPageView({ customer: { anonymousId }, occurredAt: `2026-10-${day}T18:00:00Z` });
        views.push(view);
        await record(view);
      }
      const visitor = await lookup(`anonymousId=${anonymousId}`);
      expect(visitor).not.toBe(shopper);

      const login = aPageView({ customer: { anonymousId, email }, occurredAt: '2026-10-06T09:00:00Z' });
      expect(await record(login)).toBe(shopper);

      expect(await lookup(`anonymousId=${anonymousId}`)).toBe(shopper);
      expect((await timelineIds(shopper, 5)).length).toBe(5);
      const redirect = await get(`/v1/customers/${visitor}/timeline?limit=10`).expect(308);
      expect(redirect.headers.location).toBe(`/v1/customers/${shopper}/timeline?limit=10`);
      const merges = await harness.db.query(
        'SELECT survivor_id, merged_id, reason FROM c360_merges WHERE merged_id = $1',
        [visitor],
      );
      expect(merges.rows).toEqual([
        { survivor_id: shopper, merged_id: visitor, reason: expect.stringContaining(String(login.touchpointId)) },
      ]);
    });
  });

  describe('merging and unmerging through the API', () => {
    it('merges two customers, redirects the old id, and an unmerge gives each back its own history', async () => {
      const ana = `crm-${unique()}`;
      const duplicate = `crm-${unique()}`;
      const anaEvents = [aPurchase({ customer: { customerId: ana } }), aCall({ customer: { customerId: ana } })];
      const dupEvents = [aCall({ customer: { customerId: duplicate } })];
      for (const body of [...anaEvents, ...dupEvents]) await record(body);
      const anaOnly = await timelineIds(ana, 2);
      const dupOnly = await timelineIds(duplicate, 1);

      const merged = await post(`/v1/customers/${ana}/merge`, {
        mergedCustomerId: duplicate,
        reason: 'Same person, confirmed on the phone',
      }).expect(200);
      expect(merged.body).toMatchObject({ survivorId: ana, mergedId: duplicate });
      expect(merged.headers.etag).toBe(`"${merged.body.revision}"`);

      expect(await timelineIds(ana, 3)).toEqual([...anaOnly, ...dupOnly].sort());
      const redirect = await get(`/v1/customers/${duplicate}/timeline`).expect(308);
      expect(redirect.headers.location).toBe(`/v1/customers/${ana}/timeline`);
      expect(await lookup(`customerId=${duplicate}`)).toBe(ana);
      // A later touchpoint naming only the merged customer is shown under the survivor.
      await record(aCall({ customer: { customerId: duplicate } }));
      const afterMerge = await timelineIds(ana, 4);

      await post(`/v1/customers/${ana}/unmerge`, { mergedCustomerId: duplicate, reason: 'Two people after all' })
        .set('If-Match', '"0"')
        .expect(412);
      const revision = Number(
        (
          await harness.db.query('SELECT max(stream_revision) AS r FROM c360_events WHERE stream_id = $1', [
            `customer-${ana}`,
          ])
        ).rows[0].r,
      );
      await post(`/v1/customers/${ana}/unmerge`, { mergedCustomerId: duplicate, reason: 'Two people after all' })
        .set('If-Match', `"${revision}"`)
        .expect(200);
      expect(await timelineIds(ana, 2)).toEqual(anaOnly);
      const dupAgain = await timelineIds(duplicate, 2);
      expect(dupAgain).toEqual(afterMerge.filter((id) => !anaOnly.includes(id)));
      expect(await lookup(`customerId=${duplicate}`)).toBe(duplicate);

      const history = await harness.db.query(
        `SELECT stream_id, type FROM c360_events WHERE type IN ('CustomersMerged', 'CustomersUnmerged')
           AND stream_id IN ($1, $2) ORDER BY stream_id, stream_revision`,
        [`customer-${ana}`, `customer-${duplicate}`],
      );
      expect(history.rows.map((r) => `${r.stream_id === `customer-${ana}` ? 'survivor' : 'merged'} ${r.type}`)).toEqual(
        expect.arrayContaining([
          'survivor CustomersMerged',
          'survivor CustomersUnmerged',
          'merged CustomersMerged',
          'merged CustomersUnmerged',
        ]),
      );
    });

    it('refuses merges that make no sense, with the reason', async () => {
      const a = `crm-${unique()}`;
      const b = `crm-${unique()}`;
      const c = `crm-${unique()}`;
      for (const customerId of [a, b, c]) await record(aCall({ customer: { customerId } }));
      const bad = await post(`/v1/customers/${a}/merge`, { reason: 'x' }).expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['mergedCustomerId', 'reason']);
      await post(`/v1/customers/${a}/merge`, { mergedCustomerId: a, reason: 'same one' }).expect(409);
      await post(`/v1/customers/${a}/merge`, { mergedCustomerId: `crm-${unique()}`, reason: 'unknown' }).expect(404);
      await post(`/v1/customers/${a}/merge`, { mergedCustomerId: b, reason: 'duplicate' }).expect(200);
      const again = await post(`/v1/customers/${c}/merge`, { mergedCustomerId: b, reason: 'duplicate' }).expect(409);
      expect(again.body.message).toBe(`Customer ${b} is already merged into ${a}`);
      const intoMerged = await post(`/v1/customers/${b}/merge`, { mergedCustomerId: c, reason: 'dup' }).expect(409);
      expect(intoMerged.body.message).toContain(`merge into ${a} instead`);
      await post(`/v1/customers/${c}/unmerge`, { mergedCustomerId: b, reason: 'not these' }).expect(409);
      await http().post(`/v1/customers/${a}/merge`).send({ mergedCustomerId: c, reason: 'no key' }).expect(401);
    });
  });

  describe('a crash between the index and the event store', () => {
    it('leaves a link the sweep records later, once', async () => {
      const customerId = await record(aCall({ customer: { customerId: `crm-${unique()}` } }));
      const loyaltyCardId = `card-${unique()}`;
      // As if the process died after committing the index and before appending the event.
      await harness.db.query(
        `INSERT INTO c360_identifiers (kind, value, customer_id, linked_at) VALUES ('loyaltyCardId', $1, $2, now() - interval '1 minute')`,
        [loyaltyCardId, customerId],
      );
      const sweep = harness.service.app.get(PendingIdentityEventsSweep);
      expect(await sweep.sweep()).toBe(1);
      expect(await sweep.sweep()).toBe(0);
      expect(await linksOf(customerId, loyaltyCardId)).toBe(1);
      // A touchpoint naming the card goes to its customer, and records no second link.
      expect(await record(aCall({ customer: { loyaltyCardId } }))).toBe(customerId);
      expect(await linksOf(customerId, loyaltyCardId)).toBe(1);
    });

    it('re-records an unrecorded link when a touchpoint names it before the sweep', async () => {
      const customerId = await record(aCall({ customer: { customerId: `crm-${unique()}` } }));
      const loyaltyCardId = `card-${unique()}`;
      await harness.db.query(
        `INSERT INTO c360_identifiers (kind, value, customer_id) VALUES ('loyaltyCardId', $1, $2)`,
        [loyaltyCardId, customerId],
      );
      expect(await record(aCall({ customer: { loyaltyCardId } }))).toBe(customerId);
      await eventually(
        async () =>
          (
            await harness.db.query(
              `SELECT recorded FROM c360_identifiers WHERE kind = 'loyaltyCardId' AND value = $1`,
              [loyaltyCardId],
            )
          ).rows[0].recorded as boolean,
        (recorded) => recorded,
        { what: 'the link marked recorded' },
      );
      expect(await linksOf(customerId, loyaltyCardId)).toBe(1);
    });
  });

  describe('races', () => {
    it('twenty touchpoints for the same new e-mail at once make one customer', async () => {
      const email = `race-${unique()}@example.com`;
      const ids = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          record(aCall({ customer: i % 2 ? { email } : { email, anonymousId: `anon-${unique()}` } })),
        ),
      );
      expect(new Set(ids).size).toBe(1);
      const customers = await harness.db.query(
        `SELECT count(DISTINCT i.customer_id) AS n FROM c360_identifiers i WHERE i.kind = 'email' AND i.value = $1`,
        [email],
      );
      expect(Number(customers.rows[0].n)).toBe(1);
      const anonymous = await harness.db.query(
        `SELECT count(*) AS n, count(DISTINCT customer_id) AS owners FROM c360_identifiers
          WHERE kind = 'anonymousId' AND customer_id = $1`,
        [ids[0]],
      );
      expect(anonymous.rows[0]).toEqual({ n: '10', owners: '1' });
    });

    it('concurrent batches naming overlapping new customers in different orders all land, one customer each', async () => {
      const emails = Array.from({ length: 300 }, () => `batch-${unique()}@example.com`);
      const shuffled = () => [...emails].sort(() => Math.random() - 0.5);
      const statuses = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const touchpoints = shuffled().map((email) => aCall({ customer: { email } }));
          return (await post('/v1/touchpoints/batch', { touchpoints })).status;
        }),
      );
      expect(statuses).toEqual(Array.from({ length: 8 }, () => 202));
      expect(await emailOwners(emails)).toEqual({ n: 300, customers: 300 });
    });

    it('batches resolving under locks and batches claiming without them, naming the same new e-mails, all land', async () => {
      // Three rounds: the race does not show every time.
      for (let round = 0; round < 3; round++) {
        const known = Array.from({ length: 8 }, () => ({
          customerId: `crm-${unique()}`,
          email: `k-${unique()}@example.com`,
        }));
        for (const k of known) await record(aCall({ customer: k }));
        const emails = Array.from({ length: 100 }, () => `mixed-${unique()}@example.com`);
        const statuses = await Promise.all(
          Array.from({ length: 8 }, async (_, b) => {
            const order = [...emails].sort(() => Math.random() - 0.5);
            const touchpoints = order.map((email) => aCall({ customer: { email } }));
            // Half the batches also merge two known customers, which sends them down the locked path.
            if (b % 2 === 0) {
              const [x, y] = [known[b]!, known[b + 1]!];
              touchpoints.push(aCall({ customer: { customerId: x.customerId, email: y.email } }));
            }
            return (await post('/v1/touchpoints/batch', { touchpoints })).status;
          }),
        );
        expect(statuses).toEqual(Array.from({ length: 8 }, () => 202));
        expect(await emailOwners(emails)).toEqual({ n: 100, customers: 100 });
      }
    });

    it('concurrent claims of the same new identifiers in different orders wait for each other, never deadlock', async () => {
      const clients = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const client = new pg.Client({ connectionString: harness.databaseUrl });
          await client.connect();
          return client;
        }),
      );
      try {
        const outcomes: string[] = [];
        for (let round = 0; round < 10; round++) {
          const ids = Array.from({ length: 200 }, () => `claim-${unique()}-${unique()}`);
          await Promise.all(
            clients.map(async (client) => {
              const order = [...ids].sort(() => Math.random() - 0.5);
              try {
                const claimed = await client.query('SELECT c360_claim_identifiers($1, $2, $3, $4) AS ok', [
                  order,
                  order.map(() => 'email'),
                  order.map((id) => `${id}@example.com`),
                  order,
                ]);
                outcomes.push(claimed.rows[0].ok ? 'claimed' : 'claimed-meanwhile');
              } catch (error) {
                outcomes.push((error as { code?: string }).code === '40P01' ? 'deadlock' : 'error');
              }
            }),
          );
        }
        expect(outcomes.filter((o) => o === 'deadlock' || o === 'error')).toEqual([]);
        // Exactly one claim of each round wins; the others find it claimed and would resolve under locks.
        expect(outcomes.filter((o) => o === 'claimed')).toHaveLength(10);
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    });

    it('concurrent merges of the same customers, by touchpoints and by agents, leave the index consistent', async () => {
      const people = Array.from({ length: 8 }, () => ({
        customerId: `crm-${unique()}`,
        email: `p-${unique()}@example.com`,
      }));
      for (const p of people) await record(aCall({ customer: p }));
      const pick = () => people[Math.floor(Math.random() * people.length)]!;
      const results = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const [x, y] = [pick(), pick()];
          if (i % 2 === 0) {
            return (await post('/v1/touchpoints', aCall({ customer: { customerId: x.customerId, email: y.email } })))
              .status;
          }
          return (await post(`/v1/customers/${x.customerId}/merge`, { mergedCustomerId: y.customerId, reason: 'race' }))
            .status;
        }),
      );
      expect(results.every((s) => [200, 202, 404, 409].includes(s))).toBe(true);
      expect(results.filter((s) => s === 202).length).toBe(20);

      const ids = people.map((p) => p.customerId);
      const rows = (
        await harness.db.query(
          'SELECT customer_id, root_id, merged_into FROM c360_customers WHERE customer_id = ANY($1::text[])',
          [ids],
        )
      ).rows as { customer_id: string; root_id: string; merged_into: string | null }[];
      const parent = new Map(rows.map((r) => [r.customer_id, r.merged_into]));
      for (const row of rows) {
        let at = row.customer_id;
        const seen = new Set<string>();
        while (parent.get(at)) {
          expect(seen.has(at)).toBe(false);
          seen.add(at);
          at = parent.get(at)!;
        }
        expect(row.root_id).toBe(at);
      }
      const active = (
        await harness.db.query(
          `SELECT merged_id, survivor_id FROM c360_merges WHERE unmerged_at IS NULL AND merged_id = ANY($1::text[])`,
          [ids],
        )
      ).rows as { merged_id: string; survivor_id: string }[];
      expect(active.length).toBeGreaterThan(0);
      expect(new Map(active.map((m) => [m.merged_id, m.survivor_id]))).toEqual(
        new Map(rows.filter((r) => r.merged_into).map((r) => [r.customer_id, r.merged_into])),
      );
      const told = await harness.db.query(
        `SELECT count(*) AS n FROM c360_events e JOIN c360_merges m ON e.data->>'mergeId' = m.merge_id::text
          WHERE e.type = 'CustomersMerged' AND m.merged_id = ANY($1::text[])`,
        [ids],
      );
      const merges = await harness.db.query('SELECT count(*) AS n FROM c360_merges WHERE merged_id = ANY($1::text[])', [
        ids,
      ]);
      expect(Number(told.rows[0].n)).toBe(2 * Number(merges.rows[0].n));
      for (const p of people) {
        const shownAs = await lookup(`email=${encodeURIComponent(p.email)}`);
        expect(shownAs).toBe(rows.find((r) => r.customer_id === p.customerId)!.root_id);
      }
    });
  });
});

// Property-based fuzzing of HTTP ingestion: thousands of valid, broken and random bodies against the real service.
// Every answer must be a 202 or a 400 (never a 500), decided by how the body was built, never by asking the
// system; afterwards the event store must hold exactly the touchpoints that were accepted.
//
// The fast-check seed is printed when the file starts; replay a run with FUZZ_SEED=<seed>.
import {
  fuzzRun,
  isObj,
  jsonCase,
  mutatedCase,
  rawCase,
  serialize,
  shorten,
  validCase,
  type Case,
  type Obj,
} from '@c360/testing';
import fc from 'fast-check';
import type request from 'supertest';
import { ServiceHarness } from './service-harness.js';

// ---- the service under fuzz ----

const API_KEY = 'fuzz-test-key-0123456789';
const { seed: SEED, run: RUN, materialize } = fuzzRun();

const options = (numRuns: number) => ({
  seed: SEED,
  numRuns,
  // A hung request fails its run; a long shrink is cut short and reports the smallest case found so far.
  plugins: [fc.timeout(15_000), fc.interruptAfterTimeLimit(100_000, { failOnInterrupt: true })],
});
const PROPERTY_TIMEOUT_MS = 150_000;

const batchItem = fc.oneof(
  { weight: 4, arbitrary: validCase },
  { weight: 4, arbitrary: mutatedCase },
  { weight: 1, arbitrary: jsonCase },
);
interface BatchCase {
  label: string;
  /** A well-formed envelope of these items; otherwise `envelope` or `raw` is sent and must get a 400. */
  items?: Case[];
  envelope?: unknown;
  raw?: string;
}
const asBatch = (b: BatchCase): BatchCase =>
  Object.assign(b, {
    [fc.toStringMethod]: () =>
      b.items
        ? `${b.label} [${b.items.map((c) => fc.stringify(c)).join(', ')}]`
        : `${b.label} ${shorten(b.raw ?? b.envelope)}`,
  });
const batchCase: fc.Arbitrary<BatchCase> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .array(batchItem, { minLength: 1, maxLength: 50 })
      .map((items) => asBatch({ label: `a batch of ${items.length}`, items })),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc
        .jsonValue({ maxDepth: 2 })
        .filter((v) => !Array.isArray(v))
        .map((touchpoints) => asBatch({ label: 'bad envelope: touchpoints not a list', envelope: { touchpoints } })),
      fc.constant(asBatch({ label: 'bad envelope: no touchpoints', envelope: {} })),
      fc.constant(asBatch({ label: 'bad envelope: no items', envelope: { touchpoints: [] } })),
      fc
        .array(validCase, { minLength: 1, maxLength: 3 })
        .map((items) => asBatch({ label: 'bad envelope: a bare list', envelope: items.map((c) => c.body) })),
      validCase.map((c) =>
        asBatch({
          label: 'bad envelope: 1001 items',
          envelope: { touchpoints: Array.from({ length: 1001 }, () => c.body) },
        }),
      ),
      fc
        .jsonValue({ maxDepth: 3 })
        .filter((v) => !isObj(v) || !Object.hasOwn(v, 'touchpoints'))
        .map((envelope) => asBatch({ label: 'bad envelope: random JSON', envelope })),
      fc.tuple(fc.array(validCase, { minLength: 1, maxLength: 5 }), fc.nat()).map(([items, at]) => {
        const json = serialize({ touchpoints: items.map((c) => c.body) });
        return asBatch({ label: 'bad envelope: truncated JSON', raw: json.slice(0, at % json.length) });
      }),
    ),
  },
);

describe('ingestion over HTTP under fuzzing (the whole service)', () => {
  const harness = new ServiceHarness(API_KEY);

  /** Every touchpointId sent, valid or not by construction; and those the service said it stored. */
  const sent = new Map<string, { valid: boolean; label: string }>();
  const accepted = new Set<string>();
  const describeIds = (ids: string[], atMost = 25) => {
    const described = ids.slice(0, atMost).map((id) => `${id} (${sent.get(id)?.label ?? 'never sent'})`);
    return ids.length > atMost ? [...described, `… and ${ids.length - atMost} more`] : described;
  };

  const post = (path: string, raw: string) =>
    harness.http().post(path).set('x-api-key', API_KEY).set('content-type', 'application/json').send(raw);

  function expectStatus(response: request.Response, status: number): void {
    if (response.status !== status) {
      throw new Error(`answered ${response.status} instead of ${status}: ${response.text.slice(0, 1000)}`);
    }
  }

  /** A 400 names a code and, unless the body was not JSON, every field at fault. */
  function expectRejected(response: request.Response, codes: string[]): void {
    expectStatus(response, 400);
    const { code, errors } = response.body as { code?: unknown; errors?: unknown };
    if (typeof code !== 'string' || !codes.includes(code)) {
      throw new Error(`answered 400 with code ${JSON.stringify(code)}, expected ${codes.join(' or ')}`);
    }
    if (code !== 'MALFORMED_JSON') expectFieldErrors(errors);
  }

  function expectFieldErrors(errors: unknown): void {
    const ok =
      Array.isArray(errors) &&
      errors.length > 0 &&
      errors.every((e) => isObj(e) && typeof e.field === 'string' && typeof e.reason === 'string' && e.reason !== '');
    if (!ok) throw new Error(`errors should be a non-empty list of {field, reason}; got ${shorten(errors)}`);
  }

  /**
   * What the service answers a touchpoint it stores, whatever the channel sent as customer. A named customer id
   * is answered as the customer it identifies, as shown: an earlier case may have linked it to another customer
   * by a shared e-mail or phone, or merged it (generated values are short and do meet).
   */
  async function expectRecorded(answer: unknown, body: Obj): Promise<void> {
    const customer = body.customer as Obj;
    const named = typeof customer.customerId === 'string' ? customer.customerId : undefined;
    const shownAs =
      named === undefined
        ? undefined
        : ((
            await harness.db.query<{ root_id: string }>(
              `SELECT c.root_id FROM c360_identifiers i JOIN c360_customers c USING (customer_id)
                WHERE i.kind = 'customerId' AND i.value = $1`,
              [named],
            )
          ).rows[0]?.root_id ?? named);
    expect(answer).toMatchObject({
      eventId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      customerId: shownAs ?? expect.stringMatching(/^c-[0-9a-f-]{36}$/),
      position: expect.any(String),
    });
  }

  const expectedCodes = (c: Case): string[] =>
    c.raw !== undefined || !(typeof c.body === 'object' && c.body !== null)
      ? ['MALFORMED_JSON', 'VALIDATION_FAILED'] // not JSON, or a bare JSON value (refused by the strict parser)
      : ['VALIDATION_FAILED'];

  async function sendOne(c: Case): Promise<void> {
    const { body, id } = materialize(c.body);
    if (id) sent.set(id, { valid: c.valid, label: c.label });
    const response = await post('/v1/touchpoints', c.raw ?? serialize(body));
    if (response.status === 202 && id) accepted.add(id);
    if (c.valid) {
      expectStatus(response, 202);
      await expectRecorded(response.body, body as Obj);
      expect(response.body.duplicate).toBe(false);
    } else {
      expectRejected(response, expectedCodes(c));
    }
  }

  beforeAll(async () => {
    console.info(`ingestion fuzz: fast-check seed ${SEED} (replay with FUZZ_SEED=${SEED}), touchpointIds ${RUN}-*`);
    await harness.start();
  });
  afterAll(async () => {
    await harness.stop();
  });

  it(
    'accepts valid touchpoints of every type, with any Unicode in their free text (202)',
    async () => {
      await fc.assert(fc.asyncProperty(validCase, sendOne), options(500));
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'rejects a touchpoint with one field broken (400 naming the fields, never a 500)',
    async () => {
      await fc.assert(fc.asyncProperty(mutatedCase, sendOne), options(700));
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'rejects random JSON and text that is not JSON (400)',
    async () => {
      await fc.assert(fc.asyncProperty(fc.oneof(jsonCase, rawCase), sendOne), options(300));
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'answers a batch item by item, as each item was built, or rejects a bad envelope whole',
    async () => {
      await fc.assert(
        fc.asyncProperty(batchCase, async (b) => {
          if (!b.items) {
            const response = await post('/v1/touchpoints/batch', b.raw ?? serialize(b.envelope));
            const bare = b.raw === undefined && (typeof b.envelope !== 'object' || b.envelope === null);
            expectRejected(
              response,
              b.raw !== undefined || bare ? ['MALFORMED_JSON', 'VALIDATION_FAILED'] : ['VALIDATION_FAILED'],
            );
            return;
          }
          const items = b.items.map((c) => ({ c, ...materialize(c.body) }));
          for (const { c, id } of items) if (id) sent.set(id, { valid: c.valid, label: `${c.label} (in a batch)` });
          const response = await post('/v1/touchpoints/batch', serialize({ touchpoints: items.map((i) => i.body) }));
          if (response.status === 202) {
            for (const r of (response.body.results ?? []) as { index: number; status: string }[]) {
              const id = items[r.index]?.id;
              if (id && r.status !== 'rejected') accepted.add(id);
            }
          }
          expectStatus(response, 202);
          const valid = items.filter((i) => i.c.valid).length;
          expect(response.body).toMatchObject({ accepted: valid, duplicates: 0, rejected: items.length - valid });
          const results = response.body.results as Obj[];
          expect(results).toHaveLength(items.length);
          for (const [index, { c, id, body }] of items.entries()) {
            const result = results[index]!;
            expect(result.index).toBe(index);
            if (c.valid) {
              expect(result).toMatchObject({ status: 'accepted', touchpointId: id });
              await expectRecorded(result, body as Obj);
            } else {
              expect(result.status).toBe('rejected');
              expectFieldErrors(result.errors);
            }
          }
        }),
        options(150),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('holds in the event store exactly the touchpoints it accepted: every valid one, no invalid one', async () => {
    const { rows } = await harness.db.query<{ id: string | null }>(
      `SELECT metadata->>'touchpointId' AS id FROM c360_events
        WHERE type NOT IN ('IdentityLinked', 'CustomersMerged', 'CustomersUnmerged')`,
    );
    const stored = rows.map((r) => r.id ?? '(no touchpointId)');
    const storedSet = new Set(stored);
    const sentValid = [...sent].filter(([, s]) => s.valid).map(([id]) => id);
    expect(accepted.size).toBeGreaterThan(0);
    expect({
      storedTwice: describeIds(stored.filter((id, i) => stored.indexOf(id) !== i)),
      storedButNotAccepted: describeIds(stored.filter((id) => !accepted.has(id))),
      acceptedButNotStored: describeIds([...accepted].filter((id) => !storedSet.has(id))),
      validButNotStored: describeIds(sentValid.filter((id) => !storedSet.has(id))),
      invalidButStored: describeIds(stored.filter((id) => sent.get(id)?.valid === false)),
    }).toEqual({
      storedTwice: [],
      storedButNotAccepted: [],
      acceptedButNotStored: [],
      validButNotStored: [],
      invalidButStored: [],
    });
  });

  it('is still healthy after the fuzzing', async () => {
    const health = await harness.http().get('/health').expect(200);
    const stuck = (health.body.projections as { name: string; lastError?: string }[]).filter((p) => p.lastError);
    expect(stuck).toEqual([]);
    expect(health.body).toMatchObject({ status: 'ok', database: 'up' });
  });
});

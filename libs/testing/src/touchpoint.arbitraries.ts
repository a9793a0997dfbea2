import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { aCall, aPageView, aPurchase } from './touchpoint.builder.js';

// ---- Generators of touchpoints for property-based tests: valid, broken in one field, or anything at all.

export type Obj = Record<string, unknown>;
type Path = (string | number)[];

/** Stands for a fresh, unique touchpointId; replaced right before a body is sent (see `materialize`). */
export const ID_TOKEN = '@@ID@@';
/** A JSON literal JSON.stringify cannot write (1e400): a placeholder string, unquoted by `serialize`. */
const rawLiteral = (literal: string) => `@@RAW@@${literal}@@`;
export const serialize = (value: unknown): string => JSON.stringify(value).replace(/"@@RAW@@([^"@]*)@@"/g, '$1');
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// From README.md and docs/event-model.md.
const CHANNELS = ['call-center', 'web', 'mobile-app', 'email', 'store', 'chat', 'social', 'technical-service'];
const TYPES = [
  'purchase',
  'return',
  'call',
  'page-view',
  'email-sent',
  'email-opened',
  'email-clicked',
  'campaign-response',
  'inquiry',
  'suggestion',
  'complaint-opened',
  'complaint-resolved',
  'survey-answered',
  'consent-changed',
  'profile-updated',
  'customer-registered',
] as const;
type TouchpointType = (typeof TYPES)[number];

/** What the contract says of a field: enough to build values that certainly break it. */
interface Spec {
  /**
   * key: printable ASCII without spaces; instant: ISO 8601 date-time with a time zone; date: ISO 8601 date;
   * objects: a list of objects (`fields` for each); strings: a list of strings (`max` for each).
   */
  kind:
    | 'key'
    | 'string'
    | 'enum'
    | 'instant'
    | 'currency'
    | 'date'
    | 'number'
    | 'boolean'
    | 'object'
    | 'objects'
    | 'strings';
  required?: boolean;
  notEmpty?: boolean;
  max?: number;
  min?: number;
  int?: boolean;
  values?: readonly string[];
  fields?: Record<string, Spec>;
}
const req = (spec: Spec): Spec => ({ ...spec, required: true });
const str = (max: number, notEmpty = true): Spec => ({ kind: 'string', max, notEmpty });
const num = (min: number, max?: number, int = false): Spec => ({ kind: 'number', min, max, int });
const oneOf = (...values: string[]): Spec => ({ kind: 'enum', values });

const PURCHASE_LINE = {
  sku: req(str(200)),
  category: req(str(200)),
  quantity: req(num(1, 1_000_000, true)),
  unitPrice: req(num(0, 1e12)),
  unitCost: num(0, 1e12),
};
const RETURN_LINE = { sku: req(str(200)), quantity: req(num(1, 1_000_000, true)) };
const EMAIL = { campaignId: req(str(200)), url: str(2000, false) };
const TEXT = { subject: req(str(200)), text: req(str(5000)) };
const PROFILE: Record<string, Spec> = {
  name: str(200),
  birthDate: { kind: 'date' },
  address: {
    kind: 'object',
    fields: Object.fromEntries(
      ['line1', 'line2', 'city', 'postalCode', 'region', 'country'].map((k) => [k, str(200, false)]),
    ),
  },
  interests: { kind: 'strings', max: 200 },
};
const DATA: Record<TouchpointType, Record<string, Spec>> = {
  purchase: {
    orderId: req(str(200)),
    currency: req({ kind: 'currency' }),
    lines: req({ kind: 'objects', fields: PURCHASE_LINE }),
  },
  return: { orderId: req(str(200)), lines: req({ kind: 'objects', fields: RETURN_LINE }), reason: req(str(5000)) },
  call: { reason: req(str(200)), durationSeconds: req(num(0, 86_400, true)), outcome: req(str(200)) },
  'page-view': { url: req(str(2000)), sessionId: req(str(200)), productSku: str(200) },
  'email-sent': EMAIL,
  'email-opened': EMAIL,
  'email-clicked': EMAIL,
  'campaign-response': { campaignId: req(str(200)), response: req(oneOf('accepted', 'declined', 'ignored')) },
  inquiry: TEXT,
  suggestion: TEXT,
  'complaint-opened': {
    caseId: req(str(200)),
    category: req(str(200)),
    severity: req(oneOf('low', 'medium', 'high', 'critical')),
    text: req(str(5000)),
  },
  'complaint-resolved': { caseId: req(str(200)), resolution: req(str(5000)), satisfied: { kind: 'boolean' } },
  'survey-answered': { surveyId: req(str(200)), nps: req(num(0, 10, true)), comment: str(5000, false) },
  'consent-changed': {
    purpose: req(oneOf('marketing', 'profiling')),
    channel: req(oneOf('email', 'phone', 'sms', 'any')),
    granted: req({ kind: 'boolean' }),
  },
  'profile-updated': PROFILE,
  'customer-registered': PROFILE,
};
const CUSTOMER: Spec = {
  kind: 'object',
  required: true,
  fields: {
    customerId: { kind: 'key', max: 200 },
    email: str(320, false),
    phone: str(40, false),
    loyaltyCardId: str(200),
    anonymousId: str(200),
  },
};
export const envelope = (type: TouchpointType): Record<string, Spec> => ({
  touchpointId: req({ kind: 'key', max: 200 }),
  channel: req({ kind: 'enum', values: CHANNELS }),
  type: req({ kind: 'enum', values: TYPES }),
  occurredAt: req({ kind: 'instant' }),
  customer: CUSTOMER,
  data: req({ kind: 'object', fields: DATA[type] }),
  actor: { kind: 'object', fields: { kind: req(oneOf('agent', 'system', 'customer')), id: req(str(200)) } },
  correlationId: str(200),
  causationId: str(200),
});

// ---- valid touchpoints, every type ----

const printable = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const asciiKey = (minLength: number, maxLength: number) => fc.string({ unit: printable, minLength, maxLength });
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Strings people and systems really send: ASCII, any Unicode, control and other awkward characters. */
const TRICKY = [
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u2028\u2029',
  '\ufeff',
  '\u200b',
  '\u202e',
  'Ω≈ç√∫',
  '𝕳𝖊𝖑𝖑𝖔 👩‍👩‍👧‍👦',
  'Ａ１',
  '\\',
  '"\'`',
  "'; DROP TABLE c360_events; --",
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '%s%n%x',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '__proto__',
  'constructor',
  '\r\n\t',
];
export const text = (maxLength: number) =>
  fc
    .oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength }) },
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(maxLength, 15) }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: Math.min(maxLength, 15) }) },
      { weight: 2, arbitrary: fc.constantFrom(...TRICKY) },
    )
    // NUL and unpaired surrogates cannot be stored: a touchpoint holding them is invalid (see the broken ones).
    .filter((s) => s.length > 0 && !UNSTORABLE.test(s));
const idText = text(40);
const longText = text(300);
const optionalText = (maxLength: number) => fc.oneof(fc.constant(''), text(maxLength));

const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const phone = fc
  .tuple(fc.constantFrom('6', '7'), digits(8), fc.constantFrom('plain', 'intl', 'spaced'))
  .map(([first, rest, style]) => {
    const n = first + rest;
    if (style === 'plain') return n;
    if (style === 'intl') return `+34${n}`;
    return `+34 ${n.slice(0, 3)} ${n.slice(3, 5)} ${n.slice(5, 7)} ${n.slice(7)}`;
  });
const email = fc
  .tuple(fc.emailAddress(), fc.constantFrom('as is', 'upper', 'padded'))
  .map(([e, style]) => (style === 'upper' ? e.toUpperCase() : style === 'padded' && e.length < 300 ? `  ${e} ` : e));
export const customer = fc.oneof(
  asciiKey(1, 40).map((s) => ({ customerId: `c-${s}` })),
  email.map((e) => ({ email: e })),
  phone.map((p) => ({ phone: p })),
  idText.map((t) => ({ loyaltyCardId: `L-${t}` })),
  idText.map((t) => ({ anonymousId: `anon-${t}` })),
  fc.record({ customerId: asciiKey(1, 40), email, phone }, { requiredKeys: ['customerId'], noNullPrototype: true }),
);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** ISO 8601 with a time zone: Z or an offset with or without colon, minutes to nanoseconds. */
const instant = fc
  .record({
    at: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-12-31T23:59:59Z'), noInvalidDate: true }),
    offset: fc.oneof(fc.constant(0), fc.integer({ min: -12 * 60, max: 14 * 60 })),
    zulu: fc.boolean(),
    colon: fc.boolean(),
    precision: fc.constantFrom('minutes', 'seconds', 'millis', 'nanos'),
    nanos: fc.integer({ min: 0, max: 999_999 }),
  })
  .map(({ at, offset, zulu, colon, precision, nanos }) => {
    const l = new Date(at.getTime() + offset * 60_000);
    let s = `${pad(l.getUTCFullYear(), 4)}-${pad(l.getUTCMonth() + 1)}-${pad(l.getUTCDate())}T${pad(l.getUTCHours())}:${pad(l.getUTCMinutes())}`;
    if (precision !== 'minutes') s += `:${pad(l.getUTCSeconds())}`;
    if (precision === 'millis' || precision === 'nanos') s += `.${pad(l.getUTCMilliseconds(), 3)}`;
    if (precision === 'nanos') s += pad(nanos, 6);
    if (offset === 0 && zulu) return `${s}Z`;
    const abs = Math.abs(offset);
    return `${s}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
  });

const rec = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T, required: Extract<keyof T, string>[]) =>
  fc.record(model, { requiredKeys: required, noNullPrototype: true });
export const all = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T) =>
  fc.record(model, { noNullPrototype: true });
const money = fc.oneof(
  fc.integer({ min: 0, max: 10_000_000 }).map((c) => c / 100),
  fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true }),
);
const purchaseLine = rec(
  {
    sku: idText,
    category: idText,
    quantity: fc.integer({ min: 1, max: 1_000_000 }),
    unitPrice: money,
    unitCost: money,
  },
  ['sku', 'category', 'quantity', 'unitPrice'],
);
const emailData = rec({ campaignId: idText, url: optionalText(300) }, ['campaignId']);
const textData = all({ subject: idText, text: longText });
const profileData = rec(
  {
    name: idText,
    birthDate: fc
      .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    address: rec(
      {
        line1: optionalText(40),
        line2: optionalText(40),
        city: optionalText(40),
        postalCode: optionalText(10),
        region: optionalText(40),
        country: optionalText(10),
      },
      [],
    ),
    interests: fc.array(optionalText(40), { maxLength: 10 }),
  },
  [],
);
const DATA_ARB: Record<TouchpointType, fc.Arbitrary<Obj>> = {
  purchase: all({
    orderId: idText,
    currency: fc.constantFrom('EUR', 'USD', 'GBP', 'JPY', 'CHF', 'SEK', 'MXN', 'BRL'),
    lines: fc.array(purchaseLine, { minLength: 1, maxLength: 5 }),
  }),
  return: all({
    orderId: idText,
    lines: fc.array(all({ sku: idText, quantity: fc.integer({ min: 1, max: 1_000_000 }) }), {
      minLength: 1,
      maxLength: 5,
    }),
    reason: longText,
  }),
  call: all({ reason: idText, durationSeconds: fc.integer({ min: 0, max: 86_400 }), outcome: idText }),
  'page-view': rec({ url: text(300), sessionId: idText, productSku: idText }, ['url', 'sessionId']),
  'email-sent': emailData,
  'email-opened': emailData,
  'email-clicked': emailData,
  'campaign-response': all({ campaignId: idText, response: fc.constantFrom('accepted', 'declined', 'ignored') }),
  inquiry: textData,
  suggestion: textData,
  'complaint-opened': all({
    caseId: idText,
    category: idText,
    severity: fc.constantFrom('low', 'medium', 'high', 'critical'),
    text: longText,
  }),
  'complaint-resolved': rec({ caseId: idText, resolution: longText, satisfied: fc.boolean() }, [
    'caseId',
    'resolution',
  ]),
  'survey-answered': rec({ surveyId: idText, nps: fc.integer({ min: 0, max: 10 }), comment: optionalText(300) }, [
    'surveyId',
    'nps',
  ]),
  'consent-changed': all({
    purpose: fc.constantFrom('marketing', 'profiling'),
    channel: fc.constantFrom('email', 'phone', 'sms', 'any'),
    granted: fc.boolean(),
  }),
  'profile-updated': profileData,
  'customer-registered': profileData,
};
const BUILDER: Partial<Record<TouchpointType, (o: Obj) => Obj>> = {
  purchase: aPurchase,
  call: aCall,
  'page-view': aPageView,
};

/** A generated request body and what it must get, known by construction (never by asking the system). */
export interface Case {
  label: string;
  valid: boolean;
  body: unknown;
  /** The body is sent as these characters, not as JSON of `body`. */
  raw?: string;
  /** Or as these bytes (null: a Kafka message without value). */
  bytes?: Uint8Array | null;
}

/** Chains of more than 10 single-item lists, written as one marker: JSON of thousands of levels is unreadable. */
function collapse(value: unknown): unknown {
  let inner = value;
  let depth = 0;
  while (Array.isArray(inner) && inner.length === 1) {
    inner = inner[0];
    depth++;
  }
  if (depth > 10) return { [`(${depth} nested lists around)`]: collapse(inner) };
  if (Array.isArray(value)) return value.map(collapse);
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, collapse(v)]));
  return value;
}
export const shorten = (value: unknown): string =>
  JSON.stringify(collapse(value), (_k, v: unknown) =>
    typeof v === 'string' && v.length > 120 ? `${v.slice(0, 60)}…[${v.length} chars]` : v,
  ) ?? String(value);
/** fast-check prints a counterexample with this: the label and the body, long strings cut short. */
export const asCase = (c: Case): Case =>
  Object.assign(c, {
    [fc.toStringMethod]: () =>
      `${c.label} ${c.bytes !== undefined ? (c.bytes ? `bytes ${Buffer.from(c.bytes).toString('hex')}` : 'null') : shorten(c.raw ?? c.body)}`,
  });

interface ValidTouchpoint {
  type: TouchpointType;
  body: Obj;
}
const validTouchpoint: fc.Arbitrary<ValidTouchpoint> = fc.oneof(
  ...TYPES.map((type) =>
    fc
      .record(
        {
          suffix: asciiKey(0, 40),
          channel: fc.constantFrom(...CHANNELS),
          occurredAt: instant,
          customer,
          data: DATA_ARB[type],
          actor: all({ kind: fc.constantFrom('agent', 'system', 'customer'), id: idText }),
          correlationId: idText,
          causationId: idText,
        },
        { requiredKeys: ['suffix', 'channel', 'occurredAt', 'customer', 'data'], noNullPrototype: true },
      )
      .map(({ suffix, ...fields }) => {
        const { actor: _builderActor, ...base } = (BUILDER[type] ?? aCall)({ type });
        return { type, body: { ...base, ...fields, touchpointId: `${ID_TOKEN}${suffix}`, type } };
      }),
  ),
);
export const validCase = validTouchpoint.map(({ type, body }) => asCase({ label: `valid ${type}`, valid: true, body }));

// ---- one field broken, in a way the contract certainly rejects ----

interface Located {
  path: Path;
  spec: Spec;
  value: unknown;
}
function locate(value: unknown, fields: Record<string, Spec>, path: Path, into: Located[]): Located[] {
  if (!isObj(value)) return into;
  for (const [key, spec] of Object.entries(fields)) {
    if (!Object.hasOwn(value, key)) continue;
    const child = value[key];
    into.push({ path: [...path, key], spec, value: child });
    if (spec.kind === 'object' && spec.fields) locate(child, spec.fields, [...path, key], into);
    if (spec.kind === 'objects' && spec.fields && Array.isArray(child)) {
      child.forEach((item, i) => {
        into.push({ path: [...path, key, i], spec: { kind: 'object', fields: spec.fields }, value: item });
        locate(item, spec.fields!, [...path, key, i], into);
      });
    }
  }
  return into;
}

const DANGEROUS_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  'then',
];
const ODD_INSTANTS = [
  '2026-11-01',
  '2026-11-01T10:00:00',
  '2026-11-01T10:00',
  '2026-11-01T10:00:00 Z',
  'Sun, 01 Nov 2026 10:00:00 GMT',
  'Sun Nov 01 2026 11:00:00 GMT+0100 (Central European Standard Time)',
  '1762000000000',
  '01/11/2026 10:00',
  '2026-13-01T10:00:00Z',
  '2026-11-32T10:00:00Z',
  '2026-11-00T10:00:00Z',
  '2026-11-01T25:00:00Z',
  '2026-11-01T10:61:00Z',
  '2026-11-01T10:00:61Z',
  '2026-11-01T10:00:00+25:00',
  '2026-11-01T10:00:00.Z',
  '2026-11-01T10:00:00ZZ',
  'T10:00:00Z',
  'yesterday',
  'now',
  '',
  '２０２６-１１-０１T１０:００:００Z',
];
/** Calendar dates that do not exist. */
const IMPOSSIBLE_INSTANTS = [
  '2026-02-30T10:00:00Z',
  '2026-02-29T10:00:00Z',
  '2026-04-31T10:00:00Z',
  '2026-06-31T23:59:59+02:00',
  '2026-09-31T00:00:00.000Z',
  '2026-11-31T10:00:00-05:00',
];
const ODD_DATES = ['12/04/1980', '1980-4-12', '1980-13-01', '1980-02-30', '1981-02-29', '19800412x', 'April 12', ''];
const NOT_CURRENCIES = ['EURO', 'EU', '€', 'E U', '123', '', 'XYZ1', 'EUR '];
const BAD_EMAILS = ['not-an-email', 'a@b', '@example.com', 'ana@', 'a b@example.com', 'ana@@example.com', '   '];
const BAD_PHONES = ['12', 'abc', '+', '++34', '0', '+34 6', '   '];
const BLANKS = [' ', '\t\n', '\u00a0'];
const NOT_PRINTABLE_ASCII = [' ', '\t', 'é', '\u00a0', '\u0000', '漢', '🎉', '\u007f'];

/**
 * The random material a mutation draws from. Each part shrinks on its own (no `chain`), so a failure shrinks to
 * a small touchpoint with a small change: e.g. a number just out of range, a string one character too long.
 */
const material = fc.record({
  field: fc.noBias(fc.nat()),
  change: fc.noBias(fc.nat()),
  pick: fc.noBias(fc.nat()),
  text: fc.string({ maxLength: 20 }),
  unicode: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
  int: fc.integer(),
  number: fc.double({ noNaN: true, noDefaultInfinity: true }),
  bool: fc.boolean(),
  json: fc.jsonValue({ maxDepth: 2 }),
  key: fc.oneof(fc.constantFrom(...DANGEROUS_KEYS), fc.string({ minLength: 1, maxLength: 20 })),
  /** Characters past a maximum length. */
  excess: fc.integer({ min: 1, max: 200_000 }),
  /** Levels of lists around a value. */
  depth: fc.integer({ min: 2, max: 3000 }),
  /** Distance past a numeric bound. */
  beyond: fc.double({ min: 0, max: 1e300, noNaN: true }),
});
type Material = typeof material extends fc.Arbitrary<infer M> ? M : never;

const DELETE = Symbol('delete');
interface Change {
  label: string;
  value: unknown;
  /** Adds this key to the object instead of replacing it. */
  extraKey?: string;
}

const pick = <T>(m: Material, list: readonly T[]): T => list[m.pick % list.length]!;
const nest = (value: unknown, depth: number): unknown => {
  let v = value;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

/** Another type whose data the given data certainly does not fit (an unknown field or a missing required one). */
const misfits = (type: TouchpointType, data: Obj) =>
  TYPES.filter((other) => {
    const spec = DATA[other];
    if (spec === DATA[type]) return false;
    return (
      Object.keys(data).some((k) => !Object.hasOwn(spec, k)) ||
      Object.entries(spec).some(([k, s]) => s.required && !Object.hasOwn(data, k))
    );
  });

/** Every change of one field that the contract (docs/event-model.md, the DTOs) certainly rejects. */
function changesFor({ path, spec, value }: Located, m: Material, type: TouchpointType, body: Obj): Change[] {
  const changes: Change[] = [];
  const add = (label: string, v: unknown) => changes.push({ label, value: v });
  const s = typeof value === 'string' ? value : '';
  const tooLong = (max = 5000) => max + m.excess;

  switch (spec.kind) {
    case 'number':
      add('wrong type, a numeric string', String(value));
      add('wrong type, a string', pick(m, ['NaN', 'Infinity', '-Infinity', '1e400', '']));
      add('wrong type, a boolean', m.bool);
      add('wrong type, nested lists', nest(value, m.depth));
      add('wrong type, an object', { value });
      add('below the minimum', spec.min! - 1 - m.beyond);
      if (spec.max !== undefined) add('above the maximum', spec.max + 1 + m.beyond);
      if (spec.int) add('not an integer', spec.min! + 0.5);
      add('an infinite number', rawLiteral(pick(m, ['1e400', '-1e400'])));
      break;
    case 'boolean':
      add('wrong type, a string', pick(m, ['true', 'false', 'yes', '']));
      add('wrong type, a number', pick(m, [0, 1]));
      add('wrong type, nested lists', nest(value, m.depth));
      add('wrong type, an object', { value });
      break;
    case 'object': {
      add('wrong type, a string', m.text);
      add('wrong type, a number', m.number);
      add('wrong type, a boolean', m.bool);
      add('wrong type, a list of it', [value]);
      add('wrong type, an empty list', []);
      add('wrong type, nested lists', nest(value, m.depth));
      const known = new Set(Object.keys(spec.fields ?? {}));
      const key = known.has(m.key) ? `${m.key}_` : m.key; // no known field ends with _
      changes.push({ label: `unknown field ${JSON.stringify(key)}`, extraKey: key, value: m.json });
      break;
    }
    case 'objects':
      add('wrong type, one item instead of a list', (value as unknown[])[0]);
      add('wrong type, a string', m.text);
      add('wrong type, a number', m.int);
      add('wrong type, nested lists', nest(value, m.depth));
      add('an empty list', []);
      break;
    case 'strings':
      add('wrong type, a string', m.text);
      add('wrong type, a number', m.int);
      add('wrong type, an object', { value });
      add('wrong type, a list of lists', nest(value, m.depth));
      add('an item too long', ['ok', 'x'.repeat(tooLong(spec.max))]);
      add('an item not a string', pick(m, [[1], [null], [true], [{}]]));
      add(
        'too many items',
        Array.from({ length: 101 }, (_, i) => `i${i}`),
      );
      break;
    default: // the string kinds
      add('wrong type, a number', m.int);
      add('wrong type, a fraction', m.number);
      add('wrong type, a boolean', m.bool);
      add('wrong type, a list of it', [value]);
      add('wrong type, nested lists', nest(value, m.depth));
      add('wrong type, an object', { value });
  }
  if (spec.required) {
    add('missing', DELETE);
    add('null', null);
  }
  switch (spec.kind) {
    case 'key': {
      const at = m.pick % (s.length + 1);
      add('too long', `${s}${'k'.repeat(tooLong(spec.max))}`);
      add('not printable ASCII', s.slice(0, at) + pick(m, NOT_PRINTABLE_ASCII) + s.slice(at));
      add('empty', '');
      break;
    }
    case 'string':
      add('too long', 'x'.repeat(tooLong(spec.max)));
      if (spec.notEmpty) add('empty', '');
      break;
    case 'enum': {
      const candidate = pick(m, [m.text, m.unicode, s.toUpperCase(), ` ${s}`, `${s}s`, `${s}\u0000`]);
      add('not one of the values', spec.values!.includes(candidate) ? `${candidate}!` : candidate);
      add('too long', 'e'.repeat(tooLong()));
      break;
    }
    case 'instant':
      add('odd date format', pick(m, ODD_INSTANTS));
      add('impossible calendar date', pick(m, IMPOSSIBLE_INSTANTS));
      add('too long', `2026-11-01T10:00:00${'0'.repeat(tooLong())}Z`);
      break;
    case 'currency':
      add('not a currency', pick(m, NOT_CURRENCIES));
      break;
    case 'date':
      add('odd date format', pick(m, ODD_DATES));
      break;
  }
  if (path.length === 0) {
    for (const other of misfits(type, body.data as Obj))
      add(`data of ${type} sent as ${other}`, { ...body, type: other });
  }
  if (path.length === 1 && path[0] === 'customer' && isObj(value)) {
    const ids = Object.keys(value);
    const only = ids.length === 1 ? ids[0] : undefined;
    add('no identifier', {});
    if (only === 'email') add('the only identifier, not an e-mail', { email: pick(m, BAD_EMAILS) });
    if (only === 'phone') add('the only identifier, not a phone number', { phone: pick(m, BAD_PHONES) });
    if (only === 'loyaltyCardId' || only === 'anonymousId')
      add('the only identifier, blank', { [only]: pick(m, BLANKS) });
  }
  return changes;
}

function applyChange(body: Obj, path: Path, change: Change): unknown {
  if (path.length === 0 && change.extraKey === undefined) return change.value;
  const copy = structuredClone(body);
  let parent: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (change.extraKey !== undefined) {
    // defineProperty: assigning "__proto__" would set the prototype instead of adding a field.
    const target = (path.length === 0 ? copy : parent[last]) as Obj;
    Object.defineProperty(target, change.extraKey, {
      value: change.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (change.value === DELETE) {
    delete parent[last];
  } else {
    parent[last] = change.value;
  }
  return copy;
}

export const mutatedCase: fc.Arbitrary<Case> = fc.tuple(validTouchpoint, material).map(([{ type, body }, m]) => {
  const top: Located = { path: [], spec: { kind: 'object', fields: envelope(type) }, value: body };
  const located = [top, ...locate(body, envelope(type), [], [])];
  const field = located[m.field % located.length]!;
  const changes = changesFor(field, m, type, body);
  const change = changes[m.change % changes.length]!;
  const where = field.path.length ? field.path.join('.') : 'the touchpoint';
  const label = change.extraKey !== undefined ? `${change.label} in ${where}` : `${where}: ${change.label}`;
  return asCase({ label: `invalid, ${label}`, valid: false, body: applyChange(body, field.path, change) });
});

// ---- anything at all ----

export const jsonCase: fc.Arbitrary<Case> = fc
  .jsonValue({ maxDepth: 4 })
  .map((body) => asCase({ label: 'invalid, random JSON', valid: false, body }));

const garbage = fc.constantFrom(',', '}', ']', 'x', ' true', '\u0000', '"', '{');
export const rawCase: fc.Arbitrary<Case> = fc.oneof(
  fc
    .string({ unit: 'binary', maxLength: 200 })
    .map((raw) => asCase({ label: 'invalid, random text', valid: false, body: undefined, raw })),
  fc
    .tuple(validTouchpoint, fc.nat())
    .map(([{ body }, at]) => serialize(body).slice(0, at % serialize(body).length))
    .map((raw) => asCase({ label: 'invalid, truncated JSON', valid: false, body: undefined, raw })),
  fc
    .tuple(validTouchpoint, fc.constantFrom('trailing', 'single quotes', 'unquoted key', 'NaN', 'comment'), garbage)
    .map(([{ body }, how, junk]) => {
      const json = serialize(body);
      const raw =
        how === 'trailing'
          ? json + junk
          : how === 'single quotes'
            ? json.replaceAll('"', "'")
            : how === 'unquoted key'
              ? json.replace('"touchpointId":', 'touchpointId:')
              : how === 'NaN'
                ? json.replace('{', '{"n":NaN,')
                : `/* a comment */${json}`;
      return asCase({ label: `invalid, not JSON (${how})`, valid: false, body: undefined, raw });
    }),
);

/**
 * One fuzzing run: its seed (FUZZ_SEED replays it) and `materialize`, which gives a body carrying ID_TOKEN a
 * touchpointId no run used before, prefixed with `run`.
 */
export function fuzzRun(): { seed: number; run: string; materialize(body: unknown): { body: unknown; id?: string } } {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  const run = randomUUID().slice(0, 8);
  let sequence = 0;
  return {
    seed,
    run,
    materialize(body) {
      if (!isObj(body) || typeof body.touchpointId !== 'string' || !body.touchpointId.includes(ID_TOKEN))
        return { body };
      const id = body.touchpointId.replace(ID_TOKEN, `${run}-${++sequence}-`);
      return { body: { ...body, touchpointId: id }, id };
    },
  };
}

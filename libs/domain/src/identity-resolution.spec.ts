import {
  eventIdForLink,
  identifiersOf,
  linkEvent,
  mergeEvents,
  newCustomerIdFor,
  planIdentities,
  planIdentity,
  type Identifier,
  type KnownIdentifier,
} from './identity-resolution.js';
import { InvalidIdentifier } from './customer-identity.js';

const known = (entries: Record<string, Partial<KnownIdentifier> & { customerId: string }>) =>
  new Map(
    Object.entries(entries).map(([key, k]) => [
      key,
      { rootId: k.customerId, rootSeq: 1, recorded: true, ...k } as KnownIdentifier,
    ]),
  );

describe('identifiersOf', () => {
  it('normalises every identifier given, most specific first', () => {
    expect(identifiersOf({ anonymousId: ' a-1 ', email: ' Ana@Example.COM ', phone: '612 34 56 78' })).toEqual([
      { kind: 'email', value: 'ana@example.com' },
      { kind: 'phone', value: '+34612345678' },
      { kind: 'anonymousId', value: 'a-1' },
    ]);
  });

  it('reads a national phone in the default country given', () => {
    expect(identifiersOf({ phone: '(202) 555-0143' }, 'US')).toEqual([{ kind: 'phone', value: '+12025550143' }]);
  });

  it('refuses an invalid one, and a reference naming nothing', () => {
    expect(() => identifiersOf({ email: 'nope' })).toThrow(new InvalidIdentifier('email', 'is not an e-mail address'));
    expect(() => identifiersOf({ email: '  ' })).toThrow(InvalidIdentifier);
  });
});

/** Plans one touchpoint, `tp-1`. */
function planOne(identifiers: Identifier[], view: Map<string, KnownIdentifier>) {
  return planIdentity(identifiers, view, 'tp-1');
}

describe('planIdentity', () => {
  const email = { kind: 'email' as const, value: 'ana@example.com' };
  const anon = { kind: 'anonymousId' as const, value: 'a-1' };
  const crm = { kind: 'customerId' as const, value: 'crm-9' };

  it('given no known identifier, a new customer gets an id derived from the touchpoint, not the e-mail', () => {
    const plan = planOne([email, anon], new Map());
    expect(plan).toMatchObject({ newCustomer: true, newLinks: [email, anon], merges: [] });
    expect(plan.customerId).toBe(newCustomerIdFor([email], 'tp-1'));
    expect(plan.customerId).toMatch(/^c-[0-9a-f-]{36}$/);
    // A redelivery of the touchpoint names the same customer; another touchpoint with the same e-mail would not.
    expect(planIdentity([email], new Map(), 'tp-1').customerId).toBe(plan.customerId);
    expect(planIdentity([email], new Map(), 'tp-2').customerId).not.toBe(plan.customerId);
  });

  it('given a new customer id, it is the id of the new customer', () => {
    expect(planOne([crm, email], new Map()).customerId).toBe('crm-9');
  });

  it('given one known identifier, the unknown ones join its customer, even a customer id', () => {
    const plan = planOne([crm, anon], known({ 'anonymousId:a-1': { customerId: 'c-anon' } }));
    expect(plan).toMatchObject({ customerId: 'c-anon', newCustomer: false, newLinks: [crm], merges: [] });
  });

  it('given identifiers of two customers, the one known first survives and the other is merged', () => {
    const plan = planOne(
      [email, anon],
      known({
        'email:ana@example.com': { customerId: 'c-ana', rootSeq: 5 },
        'anonymousId:a-1': { customerId: 'c-anon', rootSeq: 9 },
      }),
    );
    expect(plan).toMatchObject({ customerId: 'c-ana', merges: [{ survivorId: 'c-ana', mergedId: 'c-anon' }] });
  });

  it('given identifiers of two customers already shown as one, nothing is merged and the root is used', () => {
    const plan = planOne(
      [email, anon],
      known({
        'email:ana@example.com': { customerId: 'c-ana', rootId: 'c-root' },
        'anonymousId:a-1': { customerId: 'c-anon', rootId: 'c-root' },
      }),
    );
    expect(plan).toMatchObject({ customerId: 'c-root', rootId: 'c-root', merges: [] });
  });

  it('given a merged customer named alone, its touchpoint stays in its own stream, shown as the root', () => {
    const plan = planOne([anon], known({ 'anonymousId:a-1': { customerId: 'c-anon', rootId: 'c-ana' } }));
    expect(plan).toMatchObject({ customerId: 'c-anon', rootId: 'c-ana', newLinks: [], merges: [] });
  });

  it('given a link the index holds but whose event was never stored, it is to be recorded again', () => {
    const plan = planOne([email], known({ 'email:ana@example.com': { customerId: 'c-ana', recorded: false } }));
    expect(plan.unrecorded).toEqual([{ identifier: email, customerId: 'c-ana' }]);
  });
});

describe('planIdentities', () => {
  it('plans a batch in order: a later touchpoint sees what an earlier one linked and merged', () => {
    const email = { kind: 'email' as const, value: 'ana@example.com' };
    const anon = { kind: 'anonymousId' as const, value: 'a-1' };
    const card = { kind: 'loyaltyCardId' as const, value: 'L-7' };
    const view = known({ 'anonymousId:a-1': { customerId: 'c-anon', rootSeq: 3 } });
    const plans = planIdentities(
      [[email], [email], [anon, email], [card, anon]].map((identifiers, i) => ({
        identifiers,
        touchpointId: `tp-${i}`,
      })),
      view,
    );
    expect(plans[0]).toMatchObject({ newCustomer: true, newLinks: [email] });
    expect(plans[1]).toMatchObject({ customerId: plans[0]!.customerId, newCustomer: false, newLinks: [] });
    // c-anon was known before the new customer: it survives.
    expect(plans[2]).toMatchObject({
      customerId: 'c-anon',
      merges: [{ survivorId: 'c-anon', mergedId: plans[0]!.customerId }],
    });
    expect(plans[3]).toMatchObject({ customerId: 'c-anon', newLinks: [card], merges: [] });
  });
});

describe('identity events', () => {
  const context = { occurredAt: '2026-11-01T10:00:00.000Z' };

  it('a link has one id whoever records it, so a retry stores it once', () => {
    const identifier = { kind: 'email' as const, value: 'ana@example.com' };
    const first = linkEvent({ identifier, customerId: 'c-1' }, context);
    expect(first.eventId).toBe(eventIdForLink(identifier, 'c-1'));
    expect(linkEvent({ identifier, customerId: 'c-2' }, context).eventId).not.toBe(first.eventId);
    expect(first).toMatchObject({
      streamId: 'customer-c-1',
      event: { type: 'IdentityLinked', data: { customerId: 'c-1', kind: 'email', value: 'ana@example.com' } },
    });
  });

  it('a merge and its unmerge are told in both streams, each with its own id', () => {
    const record = { mergeId: 'm-1', survivorId: 'c-1', mergedId: 'c-2', reason: 'same person' };
    const merged = mergeEvents(record, 'merged', context);
    const unmerged = mergeEvents(record, 'unmerged', context);
    expect(merged.map((e) => [e.streamId, e.event.type, e.event.data.customerId])).toEqual([
      ['customer-c-1', 'CustomersMerged', 'c-1'],
      ['customer-c-2', 'CustomersMerged', 'c-2'],
    ]);
    expect(new Set([...merged, ...unmerged].map((e) => e.eventId)).size).toBe(4);
  });
});

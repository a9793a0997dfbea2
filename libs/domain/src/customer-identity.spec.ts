import {
  eventIdForTouchpoint,
  InvalidIdentifier,
  normaliseEmail,
  normalisePhone,
  resolveCustomerId,
} from './customer-identity.js';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DERIVED_ID = /^c-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Runs `act` and returns what it threw, failing the test when it throws nothing. */
function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned');
}

describe('normaliseEmail', () => {
  it('given an e-mail with surrounding spaces and capitals, when normalised, then it is trimmed and lower-cased', () => {
    expect(normaliseEmail('  Ana.Garcia@Example.COM ')).toBe('ana.garcia@example.com');
  });

  it('given an already normal e-mail, when normalised, then it is unchanged', () => {
    expect(normaliseEmail('ana@example.com')).toBe('ana@example.com');
  });

  it.each(['ana', 'ana@', '@example.com', 'ana@example', 'ana garcia@example.com', ''])(
    'given the non-e-mail %p, when normalised, then it is rejected as an invalid email identifier',
    (raw) => {
      const error = thrownBy(() => normaliseEmail(raw));
      expect(error).toBeInstanceOf(InvalidIdentifier);
      expect((error as InvalidIdentifier).kind).toBe('email');
    },
  );
});

describe('normalisePhone', () => {
  it('given a national Spanish number and default country ES, when normalised, then it is in E.164', () => {
    expect(normalisePhone('600123456', 'ES')).toBe('+34600123456');
  });

  it('given no default country, when a national number is normalised, then Spain is assumed', () => {
    expect(normalisePhone('600123456')).toBe('+34600123456');
  });

  it('given an international number with spaces, when normalised, then it is the same E.164 number', () => {
    expect(normalisePhone('+34 600 12 34 56', 'ES')).toBe('+34600123456');
  });

  it('given a US national number and default country US, when normalised, then it gets the +1 prefix', () => {
    expect(normalisePhone('(202) 555-0143', 'US')).toBe('+12025550143');
  });

  it('given an international number, when the default country differs, then the prefix given wins', () => {
    expect(normalisePhone('+1 202 555 0143', 'ES')).toBe('+12025550143');
  });

  it.each(['12', 'not a phone', ''])(
    'given the impossible number %p, when normalised, then it is rejected as an invalid phone identifier',
    (raw) => {
      const error = thrownBy(() => normalisePhone(raw, 'ES'));
      expect(error).toBeInstanceOf(InvalidIdentifier);
      expect((error as InvalidIdentifier).kind).toBe('phone');
    },
  );
});

describe('resolveCustomerId', () => {
  it('given a customerId, when resolved, then it is used as given', () => {
    expect(resolveCustomerId({ customerId: 'c-42' })).toBe('c-42');
  });

  it('given a customerId with surrounding spaces, when resolved, then it is trimmed', () => {
    expect(resolveCustomerId({ customerId: '  c-42 ' })).toBe('c-42');
  });

  it('given a customerId and every other identifier, when resolved, then the customerId wins', () => {
    const id = resolveCustomerId({
      customerId: 'c-42',
      loyaltyCardId: 'L-1',
      email: 'ana@example.com',
      phone: '600123456',
      anonymousId: 'anon-1',
    });
    expect(id).toBe('c-42');
  });

  it('given a loyalty card and lower identifiers, when resolved, then the id is the loyalty card one', () => {
    const byCardOnly = resolveCustomerId({ loyaltyCardId: 'L-1' });
    const byAll = resolveCustomerId({
      loyaltyCardId: 'L-1',
      email: 'ana@example.com',
      phone: '600123456',
      anonymousId: 'anon-1',
    });
    expect(byAll).toBe(byCardOnly);
  });

  it('given an e-mail, a phone and an anonymous id, when resolved, then the id is the e-mail one', () => {
    const byEmailOnly = resolveCustomerId({ email: 'ana@example.com' });
    const byAll = resolveCustomerId({ email: 'ana@example.com', phone: '600123456', anonymousId: 'anon-1' });
    expect(byAll).toBe(byEmailOnly);
  });

  it('given a phone and an anonymous id, when resolved, then the id is the phone one', () => {
    const byPhoneOnly = resolveCustomerId({ phone: '600123456' });
    const byBoth = resolveCustomerId({ phone: '600123456', anonymousId: 'anon-1' });
    expect(byBoth).toBe(byPhoneOnly);
  });

  it('given an empty customerId and an e-mail, when resolved, then the empty customerId is skipped', () => {
    expect(resolveCustomerId({ customerId: '', email: 'ana@example.com' })).toBe(
      resolveCustomerId({ email: 'ana@example.com' }),
    );
  });

  it('given an anonymous id only, when resolved, then a derived id is returned', () => {
    expect(resolveCustomerId({ anonymousId: 'anon-1' })).toMatch(DERIVED_ID);
  });

  it('given an e-mail, when resolved, then the id is derived: c-<uuid>, with neither "@" nor the address in it', () => {
    const id = resolveCustomerId({ email: 'ana@example.com' });
    expect(id).toMatch(DERIVED_ID);
    expect(id).not.toContain('@');
    expect(id).not.toContain('ana');
    expect(id).not.toContain('example');
  });

  it('given a phone, when resolved, then the derived id does not contain the number', () => {
    const id = resolveCustomerId({ phone: '600123456' });
    expect(id).toMatch(DERIVED_ID);
    expect(id).not.toContain('600123456');
  });

  it('given the same e-mail twice, when resolved, then the derived id is stable', () => {
    expect(resolveCustomerId({ email: 'ana@example.com' })).toBe(resolveCustomerId({ email: 'ana@example.com' }));
  });

  it('given one e-mail written with different case and spaces, when resolved, then the ids are equal', () => {
    expect(resolveCustomerId({ email: '  ANA@Example.com ' })).toBe(resolveCustomerId({ email: 'ana@example.com' }));
  });

  it('given one phone written nationally and internationally, when resolved, then the ids are equal', () => {
    expect(resolveCustomerId({ phone: '600 12 34 56' }, 'ES')).toBe(resolveCustomerId({ phone: '+34600123456' }));
  });

  it('given two different e-mails, when resolved, then the ids differ', () => {
    expect(resolveCustomerId({ email: 'ana@example.com' })).not.toBe(resolveCustomerId({ email: 'bea@example.com' }));
  });

  it('given the same value as two kinds of identifier, when resolved, then the ids differ', () => {
    expect(resolveCustomerId({ loyaltyCardId: 'X-1' })).not.toBe(resolveCustomerId({ anonymousId: 'X-1' }));
  });

  it('given an invalid e-mail that outranks a valid phone, when resolved, then the e-mail is rejected', () => {
    const error = thrownBy(() => resolveCustomerId({ email: 'not-an-email', phone: '600123456' }));
    expect(error).toBeInstanceOf(InvalidIdentifier);
    expect((error as InvalidIdentifier).kind).toBe('email');
  });

  it('given an empty reference, when resolved, then it throws InvalidIdentifier', () => {
    expect(() => resolveCustomerId({})).toThrow(InvalidIdentifier);
  });

  it('given a reference whose identifiers are all empty strings, when resolved, then it throws InvalidIdentifier', () => {
    expect(() => resolveCustomerId({ customerId: '', email: '', anonymousId: '' })).toThrow(InvalidIdentifier);
  });

  // A blank identifier names nobody.
  it('given a customerId of only spaces, when resolved, then it throws InvalidIdentifier (no empty customer id)', () => {
    expect(() => resolveCustomerId({ customerId: '   ' })).toThrow(InvalidIdentifier);
  });

  it('given a loyalty card id of only spaces, when resolved, then it throws InvalidIdentifier (no shared blank customer)', () => {
    expect(() => resolveCustomerId({ loyaltyCardId: '   ' })).toThrow(InvalidIdentifier);
  });
});

describe('eventIdForTouchpoint', () => {
  it('given a touchpoint id, when an event id is derived, then it has the shape of a uuid v5', () => {
    expect(eventIdForTouchpoint('pos-000123')).toMatch(UUID_V5);
  });

  it('given the same touchpoint id twice, when event ids are derived, then they are equal', () => {
    expect(eventIdForTouchpoint('pos-000123')).toBe(eventIdForTouchpoint('pos-000123'));
  });

  it('given two different touchpoint ids, when event ids are derived, then they differ', () => {
    expect(eventIdForTouchpoint('pos-000123')).not.toBe(eventIdForTouchpoint('pos-000124'));
  });

  it('given a touchpoint id equal to a customer identifier, when ids are derived, then they do not collide', () => {
    expect(`c-${eventIdForTouchpoint('X-1')}`).not.toBe(resolveCustomerId({ anonymousId: 'X-1' }));
  });
});

import { searchCandidates } from './customer-search.js';

describe('what a typed search is looked up as', () => {
  it('given an e-mail, then it is looked up as an e-mail only', () => {
    expect(searchCandidates('  Lucia@Example.com ')).toEqual([{ kind: 'email', value: 'Lucia@Example.com' }]);
  });

  it.each(['612-34-56-78', '+34 612 345 678', '(612) 345.678', '0034612345678'])(
    'given the phone %s in any common format, then phone comes first, then card and id',
    (typed) => {
      expect(searchCandidates(typed).map((c) => c.kind)).toEqual(['phone', 'loyaltyCardId', 'customerId']);
    },
  );

  it('given letters, then it is a customer id or a loyalty card, never a phone', () => {
    expect(searchCandidates('LC-1234').map((c) => c.kind)).toEqual(['customerId', 'loyaltyCardId']);
  });

  it('given too few digits for a phone, then it is not read as one', () => {
    expect(searchCandidates('12-34').map((c) => c.kind)).toEqual(['customerId', 'loyaltyCardId']);
  });

  it('given only spaces, then there is nothing to look up', () => {
    expect(searchCandidates('   ')).toEqual([]);
  });
});

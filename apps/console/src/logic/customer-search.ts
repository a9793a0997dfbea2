/** The identifiers the lookup API knows; a search box guesses which one the agent typed. */
export type SearchKind = 'email' | 'phone' | 'loyaltyCardId' | 'customerId';

export interface SearchCandidate {
  kind: SearchKind;
  value: string;
}

const PHONE_CHARACTERS = /^\+?[\d\s().\-/]+$/;

/**
 * What to look a typed text up as, most likely first: an e-mail has an @; digits with the usual phone
 * punctuation may be a phone (any format: the API normalises it) or a loyalty card; the rest is an id or a card.
 */
export function searchCandidates(input: string): SearchCandidate[] {
  const value = input.trim();
  if (value === '') return [];
  if (value.includes('@')) return [{ kind: 'email', value }];
  const digits = value.replace(/\D/g, '').length;
  if (PHONE_CHARACTERS.test(value) && digits >= 6) {
    return [
      { kind: 'phone', value },
      { kind: 'loyaltyCardId', value },
      { kind: 'customerId', value },
    ];
  }
  return [
    { kind: 'customerId', value },
    { kind: 'loyaltyCardId', value },
  ];
}

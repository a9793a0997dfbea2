import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { v5 as uuidV5 } from 'uuid';
import type { CustomerReference, IdentifierKind } from './touchpoint.js';

/** Namespace of ids derived by this system; changing it would re-key every customer and event. */
export const C360_NAMESPACE = '5b0f1c2e-5d47-4c39-9a0e-2f4f7d0c3601';

export class InvalidIdentifier extends Error {
  constructor(
    readonly kind: IdentifierKind,
    readonly reason: string,
  ) {
    super(`${kind} ${reason}`);
  }
}

export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new InvalidIdentifier('email', 'is not an e-mail address');
  return email;
}

export function normalisePhone(raw: string, defaultCountry: CountryCode = 'ES'): string {
  const phone = parsePhoneNumberFromString(raw.trim(), defaultCountry);
  if (!phone || !phone.isPossible()) throw new InvalidIdentifier('phone', 'is not a possible phone number');
  return phone.number;
}

export function normaliseIdentifier(kind: IdentifierKind, raw: string, defaultCountry?: CountryCode): string {
  switch (kind) {
    case 'email':
      return normaliseEmail(raw);
    case 'phone':
      return normalisePhone(raw, defaultCountry);
    case 'customerId':
    case 'loyaltyCardId':
    case 'anonymousId':
      return raw.trim();
  }
}

/** Which identifier decides the customer when several are given: the most specific first. */
export const PRECEDENCE: IdentifierKind[] = ['customerId', 'loyaltyCardId', 'email', 'phone', 'anonymousId'];

/**
 * One identifier maps to one customer: a given customer id is used as it is; any other identifier
 * yields a derived id, a hash, so that no personal data ends up in stream names or logs.
 */
export function resolveCustomerId(reference: CustomerReference, defaultCountry?: CountryCode): string {
  const kind = PRECEDENCE.find((k) => (reference[k]?.trim() ?? '') !== '');
  if (!kind) throw new InvalidIdentifier('customerId', 'or another identifier is required');
  const value = normaliseIdentifier(kind, reference[kind]!, defaultCountry);
  if (kind === 'customerId') return value;
  return `c-${uuidV5(`${kind}:${value}`, C360_NAMESPACE)}`;
}

/** A redelivered touchpoint must become the same event, so its id derives from the source key. */
export function eventIdForTouchpoint(touchpointId: string): string {
  return uuidV5(`touchpoint:${touchpointId}`, C360_NAMESPACE);
}

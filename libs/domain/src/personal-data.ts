import { v5 as uuidV5 } from 'uuid';
import { C360_NAMESPACE } from './customer-identity.js';
import { CURRENT_SCHEMA_VERSION, customerStreamId, type CustomerForgotten } from './customer-events.js';
import type { IdentityEventContext, IdentityEventToRecord } from './identity-resolution.js';

/**
 * Which fields of which events hold personal data: stored encrypted with the customer's own key, and
 * shown as `REDACTED` once the customer is forgotten. Everything else (amounts, products, channels,
 * instants, categories) stays readable, so aggregates keep counting a forgotten customer's history.
 */
export const PERSONAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  IdentityLinked: ['value'],
  CustomerRegistered: ['name', 'birthDate', 'address', 'interests'],
  ProfileUpdated: ['name', 'birthDate', 'address', 'interests'],
  InquiryMade: ['subject', 'text'],
  SuggestionMade: ['subject', 'text'],
  ComplaintOpened: ['text'],
  ComplaintResolved: ['resolution'],
  SurveyAnswered: ['comment'],
  CustomersMerged: ['reason'],
  CustomersUnmerged: ['reason'],
};

/** What a personal field reads as after its customer was forgotten. */
export const REDACTED = '[redacted]';

type Data = Record<string, unknown>;

/** A customer id given by a source system is not personal data; its e-mail, phone or card number is. */
function personalFieldsIn(type: string, data: Data): string[] {
  const fields = PERSONAL_FIELDS[type];
  if (!fields) return [];
  if (type === 'IdentityLinked' && data.kind === 'customerId') return [];
  return fields.filter((f) => data[f] !== undefined);
}

/** Splits an event's data into what stays readable and the personal part to encrypt (undefined: none). */
export function splitPersonalData(type: string, data: unknown): { open: Data; personal?: Data } {
  const record = data as Data;
  const fields = personalFieldsIn(type, record);
  if (fields.length === 0) return { open: record };
  const open = { ...record };
  const personal: Data = {};
  for (const field of fields) {
    personal[field] = record[field];
    delete open[field];
  }
  return { open, personal };
}

/** The data as the event was told: readable fields and the decrypted personal part together. */
export function joinPersonalData(open: Data, personal: Data): Data {
  return { ...open, ...personal };
}

/** The data with each personal field it had replaced by `REDACTED`. */
export function redactPersonalData(open: Data, fields: readonly string[]): Data {
  const redacted = { ...open };
  for (const field of fields) redacted[field] = REDACTED;
  return redacted;
}

/** The forget told in the customer's own stream, once however often it is asked. */
export function forgetEvent(customerId: string, reason: string, context: IdentityEventContext): IdentityEventToRecord {
  const event: CustomerForgotten = {
    type: 'CustomerForgotten',
    data: { customerId, reason },
    metadata: { ...context, schemaVersion: CURRENT_SCHEMA_VERSION },
  };
  return { streamId: customerStreamId(customerId), eventId: uuidV5(`forgotten:${customerId}`, C360_NAMESPACE), event };
}

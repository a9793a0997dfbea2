import type {
  Actor,
  Channel,
  IdentifierKind,
  TouchpointDataByType,
  TouchpointEventType,
  TouchpointType,
} from './touchpoint.js';
import { EVENT_TYPE_OF_TOUCHPOINT } from './touchpoint.js';

/** Version 2: a purchase always has lines (version 1 purchases could carry a single amount). */
export const CURRENT_SCHEMA_VERSION = 2;

/** Metadata every event carries; `eventId` and `recordedAt` are set when it is stored. */
export interface EventMetadata {
  touchpointId?: string;
  channel?: Channel;
  occurredAt: string;
  actor?: Actor;
  correlationId?: string;
  causationId?: string;
  schemaVersion: number;
}

/** `Event<'PurchaseMade', {...}>`: a plain, serialisable, past-tense fact. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

type TouchpointEventOf<T extends TouchpointType> = DomainEvent<
  (typeof EVENT_TYPE_OF_TOUCHPOINT)[T],
  { customerId: string } & TouchpointDataByType[T]
>;

/** The union of touchpoint events, discriminated by `type`. */
export type TouchpointEvent = { [T in TouchpointType]: TouchpointEventOf<T> }[TouchpointType];

/** An identifier (normalised) became known as this customer's: recorded in the customer's own stream. */
export type IdentityLinked = DomainEvent<'IdentityLinked', { customerId: string; kind: IdentifierKind; value: string }>;

/**
 * Two customers turned out to be one: recorded in both streams. Each stream keeps its own history;
 * read models show the merged customer's under the survivor.
 */
export type CustomersMerged = DomainEvent<
  'CustomersMerged',
  { customerId: string; mergeId: string; survivorId: string; mergedId: string; reason: string }
>;

/** A merge undone: both customers stand alone again, as if the merge had never been. */
export type CustomersUnmerged = DomainEvent<
  'CustomersUnmerged',
  { customerId: string; mergeId: string; survivorId: string; mergedId: string; reason: string }
>;

export type IdentityEvent = IdentityLinked | CustomersMerged | CustomersUnmerged;

/**
 * The customer asked to be forgotten: its key was destroyed, so the personal data of its events can no
 * longer be read, and every read model drops it. The reason is kept for the audit: it must name no person.
 */
export type CustomerForgotten = DomainEvent<'CustomerForgotten', { customerId: string; reason: string }>;
export type IdentityEventType = IdentityEvent['type'];

export type CustomerEvent = TouchpointEvent | IdentityEvent | CustomerForgotten;
export type CustomerEventType = CustomerEvent['type'];

const TOUCHPOINT_EVENT_TYPES = new Set<string>(Object.values(EVENT_TYPE_OF_TOUCHPOINT));

export function isTouchpointEventType(type: string): type is TouchpointEventType {
  return TOUCHPOINT_EVENT_TYPES.has(type);
}

export function customerStreamId(customerId: string): string {
  return `customer-${customerId}`;
}

export const CUSTOMER_STREAM_PREFIX = 'customer-';

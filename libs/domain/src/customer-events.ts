import type { Actor, Channel, TouchpointDataByType, TouchpointEventType, TouchpointType } from './touchpoint.js';
import { EVENT_TYPE_OF_TOUCHPOINT } from './touchpoint.js';

export const CURRENT_SCHEMA_VERSION = 1;

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

export type CustomerEvent = TouchpointEvent;
export type CustomerEventType = CustomerEvent['type'];

const TOUCHPOINT_EVENT_TYPES = new Set<string>(Object.values(EVENT_TYPE_OF_TOUCHPOINT));

export function isTouchpointEventType(type: string): type is TouchpointEventType {
  return TOUCHPOINT_EVENT_TYPES.has(type);
}

export function customerStreamId(customerId: string): string {
  return `customer-${customerId}`;
}

export const CUSTOMER_STREAM_PREFIX = 'customer-';

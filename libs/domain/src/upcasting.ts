import { CURRENT_SCHEMA_VERSION } from './customer-events.js';

/** A stored event as any reader sees it: type, data, and metadata with its schema version. */
export interface VersionedEvent {
  type: string;
  data: unknown;
  metadata: { schemaVersion?: unknown; [key: string]: unknown };
}

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** The first importer wrote a purchase as one amount; since version 2 a purchase always has lines. */
function purchaseWithLines(data: Record<string, unknown>): Record<string, unknown> {
  if (Array.isArray(data.lines)) return data;
  const { amount, ...rest } = data;
  return {
    ...rest,
    lines: [{ sku: 'unspecified', category: 'unspecified', quantity: 1, unitPrice: Number(amount ?? 0) }],
  };
}

/** For each event type, the step from version n to n + 1; a type without a step keeps its shape. */
const UPCASTERS: Record<string, Record<number, Upcaster>> = {
  PurchaseMade: { 1: purchaseWithLines },
};

/**
 * Brings an event written in an older schema version to the current shape, one version at a time, so
 * folds and projections only ever see the current shape. The stored event is never changed.
 */
export function upcast<E extends VersionedEvent>(event: E): E {
  const stored = Number(event.metadata.schemaVersion ?? 1);
  if (!(stored < CURRENT_SCHEMA_VERSION)) return event;
  let data = event.data as Record<string, unknown>;
  for (let version = stored; version < CURRENT_SCHEMA_VERSION; version++) {
    const step = UPCASTERS[event.type]?.[version];
    if (step) data = step(data);
  }
  return {
    ...event,
    data,
    metadata: { ...event.metadata, schemaVersion: CURRENT_SCHEMA_VERSION, upcastFrom: stored },
  };
}

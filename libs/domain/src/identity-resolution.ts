import type { CountryCode } from 'libphonenumber-js';
import { v5 as uuidV5 } from 'uuid';
import { C360_NAMESPACE, InvalidIdentifier, normaliseIdentifier, PRECEDENCE } from './customer-identity.js';
import {
  CURRENT_SCHEMA_VERSION,
  customerStreamId,
  type CustomerForgotten,
  type CustomersMerged,
  type CustomersUnmerged,
  type EventMetadata,
  type IdentityEvent,
  type IdentityLinked,
} from './customer-events.js';
import type { CustomerReference, IdentifierKind } from './touchpoint.js';

/** An identifier after normalisation: what the identity index matches on. */
export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

export function identifierKey(identifier: Identifier): string {
  return `${identifier.kind}:${identifier.value}`;
}

/** Every identifier a reference names, normalised, most specific first; throws on an invalid one. */
export function identifiersOf(reference: CustomerReference, defaultCountry?: CountryCode): Identifier[] {
  const identifiers: Identifier[] = [];
  for (const kind of PRECEDENCE) {
    const raw = reference[kind];
    if (raw === undefined || raw.trim() === '') continue;
    identifiers.push({ kind, value: normaliseIdentifier(kind, raw, defaultCountry) });
  }
  if (identifiers.length === 0) throw new InvalidIdentifier('customerId', 'or another identifier is required');
  return identifiers;
}

/**
 * The id a customer first seen in this touchpoint gets: the given customer id, or one derived from the
 * touchpoint (so a redelivery finds the same), never from an e-mail or phone, so that the id of a
 * forgotten customer cannot be worked out from them and a later customer with them gets a new one.
 */
export function newCustomerIdFor(identifiers: Identifier[], touchpointId: string): string {
  const first = identifiers[0]!;
  if (first.kind === 'customerId') return first.value;
  return `c-${uuidV5(`customer:${touchpointId}`, C360_NAMESPACE)}`;
}

/** An identifier's owner as the index knows it: the customer it was linked to, and who shows it now. */
export interface KnownIdentifier {
  customerId: string;
  rootId: string;
  /** Order in which the root customer became known: merges keep the earliest. */
  rootSeq: number;
  recorded: boolean;
  /** The customer was forgotten: nothing of a touchpoint naming it may be recorded. */
  forgotten?: boolean;
}

export interface PlannedMerge {
  survivorId: string;
  mergedId: string;
}

/**
 * Where one touchpoint goes and what the index learns from it. `customerId` owns the stream the
 * touchpoint is stored in: the customer its identifiers were linked to, so an unmerge later gives
 * each customer back exactly its own touchpoints.
 */
export interface IdentityPlan {
  customerId: string;
  rootId: string;
  newCustomer: boolean;
  newLinks: Identifier[];
  merges: PlannedMerge[];
  /** Links in the index whose IdentityLinked event is not yet stored (a crash came between). */
  unrecorded: { identifier: Identifier; customerId: string }[];
}

/** The customer that survives a merge: the one known first, so merges never form a loop. */
function survivorOf(roots: Map<string, number>): string {
  return [...roots.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0]![0];
}

/**
 * decide(ResolveIdentity): pure. Unknown identifiers join the customer the known ones name; no
 * known identifier makes a new customer; known identifiers of different customers merge them.
 */
export function planIdentity(
  identifiers: Identifier[],
  known: ReadonlyMap<string, KnownIdentifier>,
  touchpointId: string,
): IdentityPlan {
  const owners = new Map<string, KnownIdentifier>();
  const roots = new Map<string, number>();
  const newLinks: Identifier[] = [];
  const unrecorded: IdentityPlan['unrecorded'] = [];
  for (const identifier of identifiers) {
    const owner = known.get(identifierKey(identifier));
    if (!owner) {
      newLinks.push(identifier);
      continue;
    }
    owners.set(owner.customerId, owner);
    roots.set(owner.rootId, owner.rootSeq);
    if (!owner.recorded) unrecorded.push({ identifier, customerId: owner.customerId });
  }
  if (owners.size === 0) {
    const customerId = newCustomerIdFor(identifiers, touchpointId);
    return { customerId, rootId: customerId, newCustomer: true, newLinks, merges: [], unrecorded };
  }
  if (owners.size === 1) {
    const [owner] = owners.values();
    return {
      customerId: owner!.customerId,
      rootId: owner!.rootId,
      newCustomer: false,
      newLinks,
      merges: [],
      unrecorded,
    };
  }
  const survivorId = survivorOf(roots);
  const merges = [...roots.keys()].filter((r) => r !== survivorId).map((mergedId) => ({ survivorId, mergedId }));
  return { customerId: survivorId, rootId: survivorId, newCustomer: false, newLinks, merges, unrecorded };
}

/**
 * Plans a batch in order against one view of the index, updating the view as it goes, so a later
 * touchpoint sees what an earlier one linked or merged.
 */
export function planIdentities(
  batch: { identifiers: Identifier[]; touchpointId: string }[],
  known: Map<string, KnownIdentifier>,
): IdentityPlan[] {
  let seq = Number.MAX_SAFE_INTEGER - batch.length;
  const rootSeqs = new Map<string, number>();
  for (const k of known.values()) rootSeqs.set(k.rootId, k.rootSeq);
  return batch.map(({ identifiers, touchpointId }) => {
    const plan = planIdentity(identifiers, known, touchpointId);
    if (plan.newCustomer) rootSeqs.set(plan.customerId, seq++);
    for (const identifier of plan.newLinks) {
      known.set(identifierKey(identifier), {
        customerId: plan.customerId,
        rootId: plan.rootId,
        rootSeq: rootSeqs.get(plan.rootId)!,
        recorded: true,
      });
    }
    for (const { identifier, customerId } of plan.unrecorded) {
      const entry = known.get(identifierKey(identifier))!;
      known.set(identifierKey(identifier), { ...entry, customerId, recorded: true });
    }
    if (plan.merges.length > 0) {
      const merged = new Set(plan.merges.map((m) => m.mergedId));
      const survivorSeq = rootSeqs.get(plan.rootId)!;
      for (const [key, entry] of known) {
        if (merged.has(entry.rootId)) known.set(key, { ...entry, rootId: plan.rootId, rootSeq: survivorSeq });
      }
    }
    return plan;
  });
}

/**
 * A link is stored once, whoever records it first: its event id derives from the identifier and its
 * customer, so the same e-mail linked again to a new customer after a forget is a new event.
 */
export function eventIdForLink(identifier: Identifier, customerId: string): string {
  return uuidV5(`link:${customerId}:${identifierKey(identifier)}`, C360_NAMESPACE);
}

/** Each merge or unmerge is written to both streams, once each. */
function eventIdForMergeRecord(mergeId: string, what: 'merged' | 'unmerged', customerId: string): string {
  return uuidV5(`${what}:${mergeId}:${customerId}`, C360_NAMESPACE);
}

export interface MergeRecord {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  reason: string;
}

/** An identity event ready to append: its stream and its deterministic id. */
export interface IdentityEventToRecord {
  streamId: string;
  eventId: string;
  event: IdentityEvent | CustomerForgotten;
}

export type IdentityEventContext = Omit<EventMetadata, 'schemaVersion' | 'touchpointId'>;

export function linkEvent(
  link: { identifier: Identifier; customerId: string },
  context: IdentityEventContext,
): IdentityEventToRecord {
  const event: IdentityLinked = {
    type: 'IdentityLinked',
    data: { customerId: link.customerId, kind: link.identifier.kind, value: link.identifier.value },
    metadata: { ...context, schemaVersion: CURRENT_SCHEMA_VERSION },
  };
  return {
    streamId: customerStreamId(link.customerId),
    eventId: eventIdForLink(link.identifier, link.customerId),
    event,
  };
}

/** A merge or unmerge is told in both customers' streams, so each history shows it. */
export function mergeEvents(
  record: MergeRecord,
  what: 'merged' | 'unmerged',
  context: IdentityEventContext,
): IdentityEventToRecord[] {
  return [record.survivorId, record.mergedId].map((customerId) => {
    const data = { customerId, ...record };
    const metadata = { ...context, schemaVersion: CURRENT_SCHEMA_VERSION };
    const event: CustomersMerged | CustomersUnmerged =
      what === 'merged' ? { type: 'CustomersMerged', data, metadata } : { type: 'CustomersUnmerged', data, metadata };
    return {
      streamId: customerStreamId(customerId),
      eventId: eventIdForMergeRecord(record.mergeId, what, customerId),
      event,
    };
  });
}

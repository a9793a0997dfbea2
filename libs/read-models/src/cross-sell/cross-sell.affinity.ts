import type { TouchpointEvent } from '@c360/domain';
import type { RecordedEvent } from '@c360/event-store';

type PurchaseMade = Extract<TouchpointEvent, { type: 'PurchaseMade' }>;
type PurchaseReturned = Extract<TouchpointEvent, { type: 'PurchaseReturned' }>;
type ConsentChanged = Extract<TouchpointEvent, { type: 'ConsentChanged' }>;

/** Net change of one customer's quantity of one sku over a batch. */
export interface HoldingChange {
  customerId: string;
  sku: string;
  quantity: number;
  /** Of the batch's latest purchase line of the sku; null when the batch only returned it. */
  category: string | null;
}

/** The latest marketing consent a batch says a customer gave or withdrew, on any channel. */
export interface MarketingConsent {
  customerId: string;
  granted: boolean;
  occurredAt: string;
}

export interface CrossSellBatch {
  holdings: HoldingChange[];
  /** Latest category each sku was bought under in the batch. */
  categories: { sku: string; category: string }[];
  consents: MarketingConsent[];
}

const KEY = '\u0000';

/** Pure fold of a batch: quantities add up in any order, categories and consents keep the latest. */
export function foldCrossSellBatch(events: RecordedEvent[]): CrossSellBatch {
  const holdings = new Map<string, HoldingChange>();
  const categories = new Map<string, string>();
  const consents = new Map<string, MarketingConsent>();
  const hold = (customerId: string, sku: string, quantity: number, category: string | null) => {
    const key = customerId + KEY + sku;
    const holding = holdings.get(key);
    if (!holding) {
      holdings.set(key, { customerId, sku, quantity, category });
      return;
    }
    holding.quantity += quantity;
    if (category !== null) holding.category = category;
  };
  for (const recorded of events) {
    switch (recorded.type) {
      case 'PurchaseMade': {
        const { customerId, lines } = (recorded as unknown as PurchaseMade).data;
        for (const line of lines) {
          hold(customerId, line.sku, line.quantity, line.category);
          categories.set(line.sku, line.category);
        }
        break;
      }
      case 'PurchaseReturned': {
        const { customerId, lines } = (recorded as unknown as PurchaseReturned).data;
        for (const line of lines) hold(customerId, line.sku, -line.quantity, null);
        break;
      }
      case 'ConsentChanged': {
        const event = recorded as unknown as ConsentChanged;
        if (event.data.purpose !== 'marketing') break;
        const { customerId, granted } = event.data;
        const occurredAt = event.metadata.occurredAt;
        const latest = consents.get(customerId);
        // Latest by occurredAt; on a tie the later event in the log wins, as it does across batches.
        if (!latest || Date.parse(occurredAt) >= Date.parse(latest.occurredAt))
          consents.set(customerId, { customerId, granted, occurredAt });
        break;
      }
    }
  }
  return {
    holdings: [...holdings.values()],
    categories: [...categories].map(([sku, category]) => ({ sku, category })),
    consents: [...consents.values()],
  };
}

/** A customer started owning a sku (0 → owned) or stopped (owned → 0) over a batch. */
export interface OwnershipTransition {
  customerId: string;
  sku: string;
  owned: boolean;
}

export interface PairChange {
  sku: string;
  otherSku: string;
  delta: number;
}

export interface CrossSellCountChanges {
  /** Change in the number of owners of each sku. */
  owners: { sku: string; delta: number }[];
  /** Change in co-owners of each ordered pair; both orders are listed. */
  pairs: PairChange[];
  /** Change in the number of customers owning anything. */
  customers: number;
}

/**
 * The count changes that keep the statistics exact. With G the skus a customer gained, L those it lost
 * and K those it kept, pairs within K ∪ G that touch G gain a co-owner and pairs within K ∪ L that touch
 * L lose one: O(|G ∪ L| · products owned) per customer.
 *
 * @param ownedAfter every sku each transitioning customer owns once the batch is applied.
 */
export function countChanges(
  transitions: OwnershipTransition[],
  ownedAfter: { customerId: string; sku: string }[],
): CrossSellCountChanges {
  const byCustomer = new Map<string, { gained: Set<string>; lost: Set<string>; owned: Set<string> }>();
  const of = (customerId: string) => {
    let entry = byCustomer.get(customerId);
    if (!entry) byCustomer.set(customerId, (entry = { gained: new Set(), lost: new Set(), owned: new Set() }));
    return entry;
  };
  for (const t of transitions) (t.owned ? of(t.customerId).gained : of(t.customerId).lost).add(t.sku);
  for (const o of ownedAfter) byCustomer.get(o.customerId)?.owned.add(o.sku);

  const owners = new Map<string, number>();
  const pairs = new Map<string, PairChange>();
  const add = (sku: string, otherSku: string, delta: number) => {
    const key = sku + KEY + otherSku;
    const pair = pairs.get(key);
    if (pair) pair.delta += delta;
    else pairs.set(key, { sku, otherSku, delta });
  };
  let customers = 0;
  for (const { gained, lost, owned } of byCustomer.values()) {
    const kept = [...owned].filter((sku) => !gained.has(sku));
    for (const sku of gained) {
      owners.set(sku, (owners.get(sku) ?? 0) + 1);
      for (const other of owned) if (other !== sku) add(sku, other, 1);
      for (const other of kept) add(other, sku, 1);
    }
    for (const sku of lost) {
      owners.set(sku, (owners.get(sku) ?? 0) - 1);
      for (const other of kept) add(sku, other, -1);
      for (const other of kept) add(other, sku, -1);
      for (const other of lost) if (other !== sku) add(sku, other, -1);
    }
    const before = kept.length + lost.size;
    if (before === 0 && owned.size > 0) customers++;
    if (before > 0 && owned.size === 0) customers--;
  }
  return {
    owners: [...owners].filter(([, delta]) => delta !== 0).map(([sku, delta]) => ({ sku, delta })),
    pairs: [...pairs.values()].filter((p) => p.delta !== 0),
    customers,
  };
}

export interface PairCounts {
  /** Customers owning both x and y. */
  coOwners: number;
  /** Customers owning x. */
  ownersOfX: number;
  /** Customers owning y. */
  ownersOfY: number;
  /** Customers owning anything. */
  customers: number;
}

export interface Affinity {
  /** P(x and y) = coOwners / customers. */
  support: number;
  /** P(y | x) = coOwners / ownersOfX. */
  confidence: number;
  /** confidence / P(y): how many times likelier an owner of x is to own y than any customer. */
  lift: number;
}

/** The association rule x → y; the query functions compute the same in SQL to rank. */
export function affinity({ coOwners, ownersOfX, ownersOfY, customers }: PairCounts): Affinity {
  const confidence = coOwners / ownersOfX;
  return { support: coOwners / customers, confidence, lift: confidence / (ownersOfY / customers) };
}

/** One sentence an agent can read out: why y is offered to an owner of x. */
export function crossSellReason(x: string, y: string, lift: number): string {
  return `owners of ${x} buy ${y} ${lift.toFixed(1)}× more often than average`;
}

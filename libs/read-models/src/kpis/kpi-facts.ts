import {
  CUSTOMER_STREAM_PREFIX,
  isTouchpointEventType,
  type MarketingSpend,
  type PurchaseLine,
  type TouchpointDataByType,
} from '@c360/domain';
import type { RecordedEvent } from '@c360/event-store';

/** What a stream paid for one sku so far: enough to value a return, which carries no price. */
export interface SkuPrice {
  customerId: string;
  sku: string;
  quantity: number;
  revenue: number;
  costedQuantity: number;
  cost: number;
}

export interface PurchaseFact {
  eventId: string;
  customerId: string;
  occurredAt: string;
  orders: number;
  revenue: number;
  costedRevenue: number;
  cost: number;
}

export interface KpiFacts {
  purchases: PurchaseFact[];
  skuPrices: SkuPrice[];
  firstTouchpoints: { customerId: string; occurredAt: string; channel: string }[];
  complaints: { customerId: string; caseId: string; openedAt: string | null; resolvedAt: string | null }[];
  nps: { eventId: string; customerId: string; occurredAt: string; nps: number }[];
  spend: (MarketingSpend & { occurredAt: string })[];
}

export const skuKey = (customerId: string, sku: string) => `${customerId}\u0000${sku}`;

/** The (stream customer, sku) pairs whose prices valuing this batch's returns needs, and its purchases update. */
export function skuKeysOf(events: RecordedEvent[]): { customerId: string; sku: string }[] {
  const keys = new Map<string, { customerId: string; sku: string }>();
  for (const e of events) {
    if ((e.type !== 'PurchaseMade' && e.type !== 'PurchaseReturned') || !e.streamId.startsWith(CUSTOMER_STREAM_PREFIX))
      continue;
    const customerId = e.streamId.slice(CUSTOMER_STREAM_PREFIX.length);
    for (const line of (e.data as { lines: { sku: string }[] }).lines)
      keys.set(skuKey(customerId, line.sku), { customerId, sku: line.sku });
  }
  return [...keys.values()];
}

/**
 * The facts a batch adds, in log order: each return is valued at the stream's average unit price (and cost)
 * of its skus over the purchases projected before it, so a replay values it the same way.
 */
export function foldKpiFacts(events: RecordedEvent[], prices: Map<string, SkuPrice>): KpiFacts {
  const facts: KpiFacts = { purchases: [], skuPrices: [], firstTouchpoints: [], complaints: [], nps: [], spend: [] };
  const first = new Map<string, { customerId: string; occurredAt: string; channel: string }>();
  const complaints = new Map<string, KpiFacts['complaints'][number]>();
  const touched = new Set<string>();
  for (const e of events) {
    const occurredAt = new Date(String(e.metadata.occurredAt)).toISOString();
    if (e.type === 'MarketingSpendRecorded') {
      facts.spend.push({ ...(e.data as MarketingSpend), occurredAt });
      continue;
    }
    if (!e.streamId.startsWith(CUSTOMER_STREAM_PREFIX) || !isTouchpointEventType(e.type)) continue;
    const customerId = e.streamId.slice(CUSTOMER_STREAM_PREFIX.length);
    const channel = typeof e.metadata.channel === 'string' ? e.metadata.channel : 'unknown';
    const known = first.get(customerId);
    if (!known || occurredAt < known.occurredAt) first.set(customerId, { customerId, occurredAt, channel });
    switch (e.type) {
      case 'PurchaseMade': {
        const fact = { eventId: e.eventId, customerId, occurredAt, orders: 1, revenue: 0, costedRevenue: 0, cost: 0 };
        for (const line of (e.data as { lines: PurchaseLine[] }).lines) {
          const key = skuKey(customerId, line.sku);
          const price = prices.get(key) ?? {
            customerId,
            sku: line.sku,
            quantity: 0,
            revenue: 0,
            costedQuantity: 0,
            cost: 0,
          };
          const amount = line.unitPrice * line.quantity;
          fact.revenue += amount;
          price.quantity += line.quantity;
          price.revenue += amount;
          if (line.unitCost !== undefined) {
            fact.costedRevenue += amount;
            fact.cost += line.unitCost * line.quantity;
            price.costedQuantity += line.quantity;
            price.cost += line.unitCost * line.quantity;
          }
          prices.set(key, price);
          touched.add(key);
        }
        facts.purchases.push(fact);
        break;
      }
      case 'PurchaseReturned': {
        const fact = { eventId: e.eventId, customerId, occurredAt, orders: 0, revenue: 0, costedRevenue: 0, cost: 0 };
        for (const line of (e.data as TouchpointDataByType['return']).lines) {
          const price = prices.get(skuKey(customerId, line.sku));
          if (!price || price.quantity <= 0) continue;
          const unitPrice = price.revenue / price.quantity;
          // the costed share of what was bought of this sku is the costed share of what comes back
          const costedShare = price.costedQuantity / price.quantity;
          fact.revenue -= unitPrice * line.quantity;
          if (price.costedQuantity > 0) {
            fact.costedRevenue -= unitPrice * line.quantity * costedShare;
            fact.cost -= (price.cost / price.costedQuantity) * line.quantity * costedShare;
          }
        }
        facts.purchases.push(fact);
        break;
      }
      case 'ComplaintOpened':
      case 'ComplaintResolved': {
        const { caseId } = e.data as { caseId: string };
        const key = `${customerId}\u0000${caseId}`;
        const c = complaints.get(key) ?? { customerId, caseId, openedAt: null, resolvedAt: null };
        if (e.type === 'ComplaintOpened') c.openedAt = c.openedAt && c.openedAt < occurredAt ? c.openedAt : occurredAt;
        else c.resolvedAt = c.resolvedAt && c.resolvedAt < occurredAt ? c.resolvedAt : occurredAt;
        complaints.set(key, c);
        break;
      }
      case 'SurveyAnswered':
        facts.nps.push({ eventId: e.eventId, customerId, occurredAt, nps: (e.data as { nps: number }).nps });
        break;
      default:
        break;
    }
  }
  facts.skuPrices = [...touched].map((key) => prices.get(key)!);
  facts.firstTouchpoints = [...first.values()];
  facts.complaints = [...complaints.values()];
  return facts;
}

import type { PublishableTouchpoint } from './touchpoint-publisher.js';

/** A small seeded generator (mulberry32), so that a simulation can be replayed exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATALOGUE = [
  ['SKU-SHOE-01', 'shoes', 59.9, 31],
  ['SKU-SHOE-02', 'shoes', 89.0, 44],
  ['SKU-SOCK-01', 'socks', 7.5, 2.1],
  ['SKU-JACKET-01', 'jackets', 149.0, 70],
  ['SKU-BAG-01', 'bags', 39.9, 15],
  ['SKU-HAT-01', 'hats', 19.9, 6],
  ['SKU-BELT-01', 'belts', 24.5, 9],
  ['SKU-WATCH-01', 'watches', 199.0, 120],
] as const;

const CALL_REASONS = ['delivery', 'billing', 'product question', 'returns', 'password reset'];
const CAMPAIGNS = ['spring-sale', 'loyalty-week', 'new-collection', 'winback'];

export interface TrafficOptions {
  customers: number;
  seed?: number;
  /** Where touchpoint ids start, so that two runs do not collide unless asked to. */
  runId: string;
  /** When the simulated history starts; touchpoints advance about a minute apart. */
  startAt?: Date;
}

/**
 * Realistic mixed traffic: web sessions and page views, store and web purchases, call-center calls and
 * complaints (opened, then resolved), e-mail campaigns (sent, opened, clicked) and responses, surveys.
 */
export function* touchpointTraffic(options: TrafficOptions): Generator<PublishableTouchpoint> {
  const rnd = random(options.seed ?? 360);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const openComplaints = new Map<number, string>();
  let clock = (options.startAt ?? new Date(Date.UTC(2026, 0, 1))).getTime();
  for (let n = 0; ; n++) {
    clock += Math.floor(rnd() * 120_000);
    const c = Math.floor(rnd() * options.customers);
    const base = {
      touchpointId: `${options.runId}-${n}`,
      occurredAt: new Date(clock).toISOString(),
      customer: { customerId: `sim-${c}` },
    };
    const roll = rnd();
    if (roll < 0.35) {
      const sku = pick(CATALOGUE);
      yield {
        ...base,
        channel: pick(['web', 'mobile-app'] as const),
        type: 'page-view',
        data: { url: `/products/${sku[0]}`, sessionId: `s-${c}-${Math.floor(clock / 3_600_000)}`, productSku: sku[0] },
      };
    } else if (roll < 0.55) {
      const lines = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
        const [sku, category, unitPrice, unitCost] = pick(CATALOGUE);
        return { sku, category, quantity: 1 + Math.floor(rnd() * 2), unitPrice, unitCost };
      });
      yield {
        ...base,
        channel: pick(['store', 'web', 'mobile-app'] as const),
        type: 'purchase',
        data: { orderId: `o-${options.runId}-${n}`, currency: 'EUR', lines },
      };
    } else if (roll < 0.68) {
      yield {
        ...base,
        channel: 'call-center',
        type: 'call',
        data: {
          reason: pick(CALL_REASONS),
          durationSeconds: 30 + Math.floor(rnd() * 900),
          outcome: rnd() < 0.8 ? 'resolved' : 'escalated',
        },
        actor: { kind: 'agent', id: `agent-${Math.floor(rnd() * 40)}` },
      };
    } else if (roll < 0.72) {
      const open = openComplaints.get(c);
      if (open) {
        openComplaints.delete(c);
        yield {
          ...base,
          channel: 'call-center',
          type: 'complaint-resolved',
          data: { caseId: open, resolution: 'refund issued', satisfied: rnd() < 0.7 },
        };
      } else {
        const caseId = `case-${options.runId}-${n}`;
        openComplaints.set(c, caseId);
        yield {
          ...base,
          channel: pick(['call-center', 'email', 'social'] as const),
          type: 'complaint-opened',
          data: {
            caseId,
            category: pick(['delivery', 'quality', 'billing']),
            severity: pick(['low', 'medium', 'high'] as const),
            text: 'The customer reported a problem',
          },
        };
      }
    } else if (roll < 0.9) {
      const type = pick(['email-sent', 'email-sent', 'email-opened', 'email-clicked'] as const);
      yield { ...base, channel: 'email', type, data: { campaignId: pick(CAMPAIGNS) } };
    } else if (roll < 0.95) {
      yield {
        ...base,
        channel: 'email',
        type: 'campaign-response',
        data: { campaignId: pick(CAMPAIGNS), response: pick(['accepted', 'declined', 'ignored'] as const) },
      };
    } else {
      yield {
        ...base,
        channel: 'web',
        type: 'survey-answered',
        data: { surveyId: 'nps-2026', nps: Math.floor(rnd() * 11) },
      };
    }
  }
}

import { randomUUID } from 'node:crypto';

/** A valid touchpoint body as a channel would send it; override what the story needs. */
export function aPurchase(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    touchpointId: `pos-${randomUUID()}`,
    channel: 'store',
    type: 'purchase',
    occurredAt: '2026-11-01T10:00:00Z',
    customer: { customerId: `c-${randomUUID()}` },
    data: {
      orderId: `o-${randomUUID()}`,
      currency: 'EUR',
      lines: [{ sku: 'SKU-1', category: 'shoes', quantity: 1, unitPrice: 59.9 }],
    },
    actor: { kind: 'agent', id: 'agent-7' },
    ...overrides,
  };
}

export function aCall(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    touchpointId: `cc-${randomUUID()}`,
    channel: 'call-center',
    type: 'call',
    occurredAt: '2026-11-02T09:30:00Z',
    customer: { customerId: `c-${randomUUID()}` },
    data: { reason: 'delivery', durationSeconds: 240, outcome: 'resolved' },
    actor: { kind: 'agent', id: 'agent-3' },
    ...overrides,
  };
}

export function aPageView(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    touchpointId: `web-${randomUUID()}`,
    channel: 'web',
    type: 'page-view',
    occurredAt: '2026-11-03T18:00:00Z',
    customer: { anonymousId: `anon-${randomUUID()}` },
    data: { url: '/products/SKU-2', sessionId: `s-${randomUUID()}`, productSku: 'SKU-2' },
    ...overrides,
  };
}

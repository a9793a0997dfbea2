import { randomUUID } from 'node:crypto';

const DAY = 86_400_000;
const PRODUCTS = [
  { sku: 'SHOE-RUN-42', category: 'shoes', unitPrice: 89.9, unitCost: 41 },
  { sku: 'SOCK-3PK', category: 'accessories', unitPrice: 12.5, unitCost: 4 },
  { sku: 'JACKET-RAIN', category: 'outerwear', unitPrice: 149, unitCost: 70 },
  { sku: 'CAP-CLASSIC', category: 'accessories', unitPrice: 19.9, unitCost: 6 },
  { sku: 'WATCH-GPS', category: 'electronics', unitPrice: 249, unitCost: 150 },
];

export interface SeededCustomers {
  /** The customer the agent stories look up; her phone was recorded as +34 612 345 678. */
  lucia: { customerId: string; phoneAsRecorded: string; phoneAsTyped: string; name: string };
  touchpoints: Record<string, unknown>[];
}

/**
 * A small shop's last fourteen months: regular and lapsed buyers, a complaint still open, NPS answers,
 * consents, calls and web visits. Dates count back from now so the console's default period shows them.
 */
export function seedCustomers(now = Date.now()): SeededCustomers {
  const tag = randomUUID().slice(0, 6);
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
  const touchpoints: Record<string, unknown>[] = [];
  const add = (customerId: string, channel: string, type: string, daysAgo: number, data: object, extra = {}) =>
    touchpoints.push({
      touchpointId: `seed-${randomUUID()}`,
      channel,
      type,
      occurredAt: at(daysAgo),
      customer: { customerId, ...extra },
      data,
    });
  const buy = (customerId: string, daysAgo: number, skus: number[], channel = 'store') =>
    add(customerId, channel, 'purchase', daysAgo, {
      orderId: `o-${randomUUID().slice(0, 8)}`,
      currency: 'EUR',
      lines: skus.map((i) => ({ ...PRODUCTS[i]!, quantity: 1 })),
    });

  const people = [
    { name: 'Lucía Martín', every: 35, since: 420, basket: [0, 1], channel: 'store' },
    { name: 'Ahmed Benali', every: 60, since: 400, basket: [0, 3], channel: 'web' },
    { name: 'Sofia Rossi', every: 25, since: 300, basket: [2, 1], channel: 'mobile-app' },
    { name: 'Jon Ander Etxeberria', every: 90, since: 410, basket: [4], channel: 'web' },
    { name: 'Marta Gómez', every: 45, since: 200, basket: [0, 1, 3], channel: 'store' },
    { name: 'Peter Novak', every: 120, since: 800, basket: [2], channel: 'web', lapsedFor: 420 },
    { name: 'Chloé Dubois', every: 30, since: 150, basket: [1, 3], channel: 'mobile-app' },
    { name: 'Hugo Fernández', every: 75, since: 700, basket: [0, 2], channel: 'store', lapsedFor: 380 },
  ];
  const ids = people.map((_, i) => `cust-${tag}-${i + 1}`);
  people.forEach((p, i) => {
    const id = ids[i]!;
    add(
      id,
      'web',
      'customer-registered',
      p.since + 2,
      { name: p.name },
      {
        email: `${p.name
          .split(' ')[0]!
          .toLowerCase()
          .normalize('NFKD')
          .replace(/[^a-z]/g, '')}.${tag}${i}@example.com`,
      },
    );
    add(id, 'web', 'consent-changed', p.since + 1, { purpose: 'marketing', channel: 'email', granted: i % 4 !== 3 });
    for (let d = p.since, n = 0; d > (p.lapsedFor ?? 0); d -= p.every, n++) {
      buy(id, d, n % 2 === 0 ? p.basket : [p.basket[0]!], p.channel);
      if (n % 3 === 1) add(id, 'web', 'page-view', d + 1, { url: '/catalogue', sessionId: `s-${randomUUID()}` });
    }
    add(id, 'email', 'survey-answered', Math.max(5, (p.lapsedFor ?? 0) + 3), {
      surveyId: `nps-${tag}`,
      nps: [9, 7, 10, 4, 8, 3, 10, 6][i]!,
    });
  });
  const lucia = ids[0]!;
  add(
    lucia,
    'call-center',
    'call',
    40,
    { reason: 'delivery', durationSeconds: 260, outcome: 'resolved' },
    {
      phone: '+34 612 345 678',
      loyaltyCardId: `LC-${tag}`,
    },
  );
  add(lucia, 'call-center', 'complaint-opened', 12, {
    caseId: `case-${tag}-1`,
    category: 'delivery',
    severity: 'high',
    text: 'Parcel arrived damaged',
  });
  add(lucia, 'chat', 'inquiry', 2, { subject: 'Sizes', text: 'Do the running shoes come in half sizes?' });
  ids.slice(3, 6).forEach((id, i) => {
    add(id, 'call-center', 'complaint-opened', 100 + i * 20, {
      caseId: `case-${tag}-${i + 2}`,
      category: 'billing',
      severity: 'medium',
      text: 'Charged twice',
    });
    if (i !== 1) {
      add(id, 'call-center', 'complaint-resolved', 90 + i * 20, {
        caseId: `case-${tag}-${i + 2}`,
        resolution: 'Refunded',
        satisfied: i === 0,
      });
    }
  });
  return {
    lucia: {
      customerId: lucia,
      phoneAsRecorded: '+34 612 345 678',
      phoneAsTyped: '612-34-56-78',
      name: 'Lucía Martín',
    },
    touchpoints,
  };
}

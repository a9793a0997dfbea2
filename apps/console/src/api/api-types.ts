/** The answers of the public API that the console reads (see the OpenAPI page at /docs). */

export interface CustomerProfile {
  customerId: string;
  mergedCustomers: string[];
  lifecycle: 'customer' | 'prospect';
  identities: { kind: string; value: string; linkedAt: string }[];
  profile: { name?: string; birthDate?: string; address?: unknown; interests?: string[] };
  consent: { purpose: string; channel: string; granted: boolean; at: string }[];
  marketingConsent: boolean;
  firstContactAt: string | null;
  lastContactAt: string | null;
  touchpoints: number;
  purchases: { orders: number; lifetimeSpend: number; currency: string; lastAt: string | null };
  complaints: {
    open: {
      caseId: string;
      openedAt: string | null;
      category: string | null;
      severity: string | null;
      ageDays: number;
    }[];
  };
  lastNps: { score: number; surveyId: string; at: string } | null;
  loyalty: { score: number; tier: string };
  tier: string;
  churnRisk: { score: number; level: string; reasons: string[] };
  asOf: string;
}

export interface Loyalty {
  score: number;
  tier: string;
  components: { name: string; score: number; weight: number; explanation: string }[];
  reasons: string[];
}

export interface TimelineItem {
  eventId: string;
  customerId: string;
  occurredAt: string;
  channel: string;
  type: string;
  summary: string;
  data: unknown;
}

export interface TimelinePage {
  items: TimelineItem[];
  nextCursor: string | null;
}

export interface CrossSell {
  marketingConsent: boolean;
  note?: string;
  candidates: { sku: string; category: string; lift: number; confidence: number; reason: string }[];
}

export interface CustomerMatch {
  customerId: string;
  matchedBy: string;
}

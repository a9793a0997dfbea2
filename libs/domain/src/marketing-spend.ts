import { v5 as uuidV5 } from 'uuid';
import type { Channel } from './touchpoint.js';
import { C360_NAMESPACE } from './customer-identity.js';
import type { DomainEvent } from './customer-events.js';

/** Money spent on marketing through one channel over a span of days: what acquisition cost divides. */
export interface MarketingSpend {
  spendId: string;
  channel: Channel;
  campaignId?: string;
  amount: number;
  currency: string;
  /** First day of the spend, `YYYY-MM-DD` (UTC). */
  periodStart: string;
  /** Last day of the spend, inclusive, `YYYY-MM-DD` (UTC). */
  periodEnd: string;
}

export type MarketingSpendRecorded = DomainEvent<'MarketingSpendRecorded', MarketingSpend>;

export const MARKETING_SPEND_STREAM_PREFIX = 'marketing-spend-';

/** One stream per spend: a spend never conflicts with another's writes. */
export function marketingSpendStreamId(spendId: string): string {
  return `${MARKETING_SPEND_STREAM_PREFIX}${spendId}`;
}

/** A repeated spendId must become the same event, so its id derives from it. */
export function eventIdForMarketingSpend(spendId: string): string {
  return uuidV5(`marketing-spend:${spendId}`, C360_NAMESPACE);
}

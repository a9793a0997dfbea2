import { CHANNELS, type Channel, type MarketingSpend } from '@c360/domain';
import type { FieldProblem } from '@c360/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The body of POST /v1/marketing-spend, for the OpenAPI document; {@link parseMarketingSpend} checks it. */
export class MarketingSpendDto {
  @ApiProperty({ example: 'spend-2024-03-social', description: 'Idempotency key: a repeat is answered as a duplicate' })
  spendId!: string;

  @ApiProperty({ enum: CHANNELS, example: 'social' })
  channel!: Channel;

  @ApiPropertyOptional({ example: 'spring-sale' })
  campaignId?: string;

  @ApiProperty({ example: 12500, description: 'Spent over the whole period, ≥ 0' })
  amount!: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code' })
  currency!: string;

  @ApiProperty({ example: '2024-03-01', description: 'First day (UTC)' })
  periodStart!: string;

  @ApiProperty({ example: '2024-03-31', description: 'Last day, included (UTC)' })
  periodEnd!: string;
}

const KEY = /^[\x21-\x7e]+$/;
const FIELDS = new Set(['spendId', 'channel', 'campaignId', 'amount', 'currency', 'periodStart', 'periodEnd']);
const MAX_AMOUNT = 1e12;

function isDay(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function isKey(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 200 && KEY.test(value);
}

export type ParsedMarketingSpend = { ok: true; spend: MarketingSpend } | { ok: false; errors: FieldProblem[] };

/** Every field checked, every fault named: nothing is recorded from a spend with any. */
export function parseMarketingSpend(body: unknown): ParsedMarketingSpend {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, errors: [{ field: 'body', reason: 'a marketing spend must be a JSON object' }] };
  const b = body as Record<string, unknown>;
  const errors: FieldProblem[] = Object.keys(b)
    .filter((k) => !FIELDS.has(k))
    .map((field) => ({ field, reason: `${field} is not a field of a marketing spend` }));
  if (!isKey(b.spendId))
    errors.push({ field: 'spendId', reason: 'spendId must be 1 to 200 printable ASCII characters without spaces' });
  if (typeof b.channel !== 'string' || !(CHANNELS as readonly string[]).includes(b.channel))
    errors.push({ field: 'channel', reason: `channel must be one of ${CHANNELS.join(', ')}` });
  if (b.campaignId !== undefined && !isKey(b.campaignId))
    errors.push({ field: 'campaignId', reason: 'campaignId must be 1 to 200 printable ASCII characters' });
  if (typeof b.amount !== 'number' || !Number.isFinite(b.amount) || b.amount < 0 || b.amount > MAX_AMOUNT)
    errors.push({ field: 'amount', reason: `amount must be a number from 0 to ${MAX_AMOUNT}` });
  if (typeof b.currency !== 'string' || !/^[A-Z]{3}$/.test(b.currency))
    errors.push({ field: 'currency', reason: 'currency must be an ISO 4217 code such as EUR' });
  if (!isDay(b.periodStart))
    errors.push({ field: 'periodStart', reason: 'periodStart must be a calendar date such as 2024-03-01' });
  if (!isDay(b.periodEnd))
    errors.push({ field: 'periodEnd', reason: 'periodEnd must be a calendar date such as 2024-03-31' });
  else if (isDay(b.periodStart) && b.periodEnd < b.periodStart)
    errors.push({ field: 'periodEnd', reason: 'periodEnd must not be before periodStart' });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    spend: {
      spendId: b.spendId as string,
      channel: b.channel as Channel,
      ...(b.campaignId === undefined ? {} : { campaignId: b.campaignId as string }),
      amount: b.amount as number,
      currency: b.currency as string,
      periodStart: b.periodStart as string,
      periodEnd: b.periodEnd as string,
    },
  };
}

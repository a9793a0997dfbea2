import { CHANNELS, TOUCHPOINT_TYPES } from '@c360/domain';
import { ApiError, ApiKeyGuard } from '@c360/http';
import { GetCustomerTimelineQuery, InvalidCursor, type TimelinePage } from '@c360/read-models';
import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';

const MAX_LIMIT = 500;

function list(value: unknown, field: string, allowed: readonly string[]): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(','));
  const unknown = items.filter((i) => !allowed.includes(i));
  if (unknown.length) {
    throw ApiError.validation([
      { field, reason: `${field} ${unknown.join(', ')} unknown; expected any of ${allowed.join(', ')}` },
    ]);
  }
  return items;
}

function instant(value: unknown, field: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime()))
    throw ApiError.validation([{ field, reason: `${field} must be an ISO 8601 instant` }]);
  return date;
}

@ApiTags('customers')
@Controller('v1/customers')
@UseGuards(ApiKeyGuard)
export class CustomerTimelineController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':customerId/timeline')
  @ApiOperation({ summary: "A customer's touchpoints across channels, newest first by occurredAt" })
  @ApiQuery({ name: 'channel', required: false, description: 'One or more channels, comma-separated' })
  @ApiQuery({ name: 'type', required: false, description: 'One or more touchpoint types, comma-separated' })
  @ApiQuery({ name: 'from', required: false, description: 'occurredAt at or after this instant' })
  @ApiQuery({ name: 'to', required: false, description: 'occurredAt before this instant' })
  @ApiQuery({ name: 'limit', required: false, description: `1 to ${MAX_LIMIT}, default 50` })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ description: '{items, nextCursor}' })
  async timeline(
    @Param('customerId') customerId: string,
    @Query() query: Record<string, unknown>,
  ): Promise<TimelinePage> {
    const limit = query.limit === undefined ? 50 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw ApiError.validation([{ field: 'limit', reason: `limit must be a whole number from 1 to ${MAX_LIMIT}` }]);
    }
    const from = instant(query.from, 'from');
    const to = instant(query.to, 'to');
    if (from && to && from >= to) throw ApiError.validation([{ field: 'to', reason: 'to must be after from' }]);
    try {
      return await this.queryBus.execute(
        new GetCustomerTimelineQuery({
          customerId,
          channels: list(query.channel, 'channel', CHANNELS),
          types: list(query.type, 'type', TOUCHPOINT_TYPES),
          from,
          to,
          limit,
          cursor: typeof query.cursor === 'string' && query.cursor !== '' ? query.cursor : undefined,
        }),
      );
    } catch (error) {
      if (error instanceof InvalidCursor) throw ApiError.validation([{ field: 'cursor', reason: error.message }]);
      throw error;
    }
  }
}

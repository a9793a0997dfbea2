import { CHANNELS, TOUCHPOINT_TYPES } from '@c360/domain';
import { Roles } from '@c360/access';
import { ApiError } from '@c360/http';
import { decodeCursor, GetCustomerTimelineQuery, InvalidCursor, type TimelinePage } from '@c360/read-models';
import { IdentityIndex } from '@c360/identity';
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { shownCustomer } from './customer-resolution.js';
import { instant } from './query-values.js';

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

@ApiTags('customers')
@Controller('v1/customers')
@Roles('agent', 'auditor')
export class CustomerTimelineController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly identity: IdentityIndex,
  ) {}

  @Get(':customerId/timeline')
  @ApiOperation({ summary: "A customer's touchpoints across channels, newest first by occurredAt" })
  @ApiQuery({ name: 'channel', required: false, description: 'One or more channels, comma-separated' })
  @ApiQuery({ name: 'type', required: false, description: 'One or more touchpoint types, comma-separated' })
  @ApiQuery({ name: 'from', required: false, description: 'occurredAt at or after this instant' })
  @ApiQuery({ name: 'to', required: false, description: 'occurredAt before this instant' })
  @ApiQuery({ name: 'limit', required: false, description: `1 to ${MAX_LIMIT}, default 50` })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ description: '{items, nextCursor}: its own touchpoints and those of customers merged into it' })
  async timeline(
    @Param('customerId') customerId: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TimelinePage> {
    const limit = query.limit === undefined ? 50 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw ApiError.validation([{ field: 'limit', reason: `limit must be a whole number from 1 to ${MAX_LIMIT}` }]);
    }
    const from = instant(query.from, 'from');
    const to = instant(query.to, 'to');
    if (from && to && from >= to) throw ApiError.validation([{ field: 'to', reason: 'to must be after from' }]);
    const channels = list(query.channel, 'channel', CHANNELS);
    const types = list(query.type, 'type', TOUCHPOINT_TYPES);
    const cursor = typeof query.cursor === 'string' && query.cursor !== '' ? query.cursor : undefined;
    try {
      if (cursor) decodeCursor(cursor);
    } catch (error) {
      if (error instanceof InvalidCursor) throw ApiError.validation([{ field: 'cursor', reason: error.message }]);
      throw error;
    }
    const shown = await shownCustomer(this.identity, customerId, request, response);
    return this.queryBus.execute(
      new GetCustomerTimelineQuery({ customerId: shown, channels, types, from, to, limit, cursor }),
    );
  }
}

import { CurrentPrincipal, Roles, type Principal } from '@c360/access';
import { ApiError } from '@c360/http';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MarketingSpendDto, parseMarketingSpend } from './marketing-spend.dto.js';
import { RecordMarketingSpendCommand, type RecordedMarketingSpend } from './record-marketing-spend.command.js';

@ApiTags('analytics')
@Controller('v1/marketing-spend')
@Roles('analyst')
export class MarketingSpendController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Record marketing spend per channel (and campaign) over a period: what acquisition cost divides',
    description: 'Stored as a MarketingSpendRecorded event in stream marketing-spend-<spendId>; idempotent on spendId.',
  })
  @ApiBody({ type: MarketingSpendDto })
  @ApiAcceptedResponse({ description: '{spendId, eventId, position, duplicate}' })
  @ApiBadRequestResponse({ description: 'Every offending field with the reason; nothing stored' })
  async record(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<RecordedMarketingSpend> {
    const parsed = parseMarketingSpend(body);
    if (!parsed.ok) throw ApiError.validation(parsed.errors, 'marketing spend');
    return this.commandBus.execute(
      new RecordMarketingSpendCommand(parsed.spend, { kind: 'agent', id: principal.keyId }),
    );
  }
}

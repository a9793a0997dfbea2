import { APP_CONFIG, type AppConfig } from '@c360/config';
import { CurrentPrincipal, Roles, type Principal } from '@c360/access';
import { ApiError, ApiErrorCode } from '@c360/http';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CountryCode } from 'libphonenumber-js';
import { IngestionMetrics } from './ingestion.metrics.js';
import { parseTouchpoint, type FieldError, type ParsedTouchpoint, type ValidTouchpoint } from './parse-touchpoint.js';
import {
  isRefused,
  RecordTouchpointsCommand,
  type RecordedTouchpoint,
  type StoredTouchpoint,
} from './record-touchpoints.command.js';
import { MAX_BATCH_SIZE, TouchpointBatchDto, TouchpointDto } from './touchpoint.dto.js';

export interface BatchItemResult {
  index: number;
  status: 'accepted' | 'duplicate' | 'rejected';
  touchpointId?: string;
  eventId?: string;
  customerId?: string;
  position?: string;
  errors?: FieldError[];
}

/** A channel key publishes only for the channels it names. */
function channelRefusal(principal: Principal, channel: string): FieldError | undefined {
  if (principal.role !== 'channel' || principal.channels.includes(channel)) return undefined;
  return { field: 'channel', reason: `this key may publish for ${principal.channels.join(', ')} only, not ${channel}` };
}

/** What an agent records about a customer it is talking to; the rest comes from channels. */
export const AGENT_CONTACT_TYPES = ['call', 'inquiry', 'suggestion', 'complaint-opened', 'complaint-resolved'] as const;

/** An agent key records contacts only, one at a time, and always as itself. */
function asAgent(principal: Principal, parsed: ValidTouchpoint): ValidTouchpoint {
  if (principal.role !== 'agent') return parsed;
  const type = parsed.touchpoint.type as string;
  if (!(AGENT_CONTACT_TYPES as readonly string[]).includes(type)) {
    throw new ApiError(
      ApiErrorCode.FORBIDDEN,
      `An agent key records ${AGENT_CONTACT_TYPES.join(', ')} only, not ${type}`,
    );
  }
  return { ...parsed, touchpoint: { ...parsed.touchpoint, actor: { kind: 'agent', id: principal.name } } };
}

@ApiTags('touchpoints')
@Controller('v1/touchpoints')
@Roles('channel')
export class TouchpointsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly metrics: IngestionMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @Roles('channel', 'agent')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Record one touchpoint (idempotent by touchpointId)',
    description: `An agent key may record ${AGENT_CONTACT_TYPES.join(', ')}, with itself as the actor.`,
  })
  @ApiBody({ type: TouchpointDto })
  @ApiAcceptedResponse({ description: '{eventId, customerId, position, duplicate}' })
  @ApiBadRequestResponse({ description: 'Every offending field with the reason; nothing stored' })
  async recordOne(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Omit<StoredTouchpoint, 'touchpointId'>> {
    const parsed = parseTouchpoint(body, this.country);
    if (!parsed.ok) {
      this.metrics.rejected('http', parsed.errors);
      throw ApiError.validation(parsed.errors, 'touchpoint');
    }
    const refused = channelRefusal(principal, parsed.touchpoint.channel);
    if (refused) throw new ApiError(ApiErrorCode.FORBIDDEN, refused.reason);
    const valid = asAgent(principal, parsed);
    const [recorded] = await this.commandBus.execute(new RecordTouchpointsCommand([valid]));
    this.metrics.recorded('http', [valid.touchpoint], [recorded!]);
    if (isRefused(recorded!))
      throw new ApiError(ApiErrorCode.CUSTOMER_FORGOTTEN, `The touchpoint is refused: ${recorded.refused.reason}`);
    const { touchpointId: _, ...answer } = recorded;
    return answer;
  }

  @Post('batch')
  @HttpCode(202)
  @ApiOperation({
    summary: `Record up to ${MAX_BATCH_SIZE} touchpoints`,
    description: 'Valid items are stored together in one atomic append; invalid ones are rejected with their reasons.',
  })
  @ApiBody({ type: TouchpointBatchDto })
  @ApiAcceptedResponse({
    description: '{accepted, duplicates, rejected, results: [{index, status, eventId, customerId, position, errors}]}',
  })
  async recordBatch(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const items = (body as { touchpoints?: unknown } | null)?.touchpoints;
    if (!Array.isArray(items)) {
      throw ApiError.validation(
        [{ field: 'touchpoints', reason: 'touchpoints must be an array of touchpoints' }],
        'batch',
      );
    }
    if (items.length === 0 || items.length > MAX_BATCH_SIZE) {
      throw ApiError.validation(
        [{ field: 'touchpoints', reason: `touchpoints must hold 1 to ${MAX_BATCH_SIZE} items, got ${items.length}` }],
        'batch',
      );
    }
    const results: BatchItemResult[] = new Array(items.length);
    const valid: (ValidTouchpoint & { index: number })[] = [];
    items.forEach((item, index) => {
      const checked = parseTouchpoint(item, this.country);
      const refused = checked.ok ? channelRefusal(principal, checked.touchpoint.channel) : undefined;
      const parsed: ParsedTouchpoint = refused ? { ok: false, errors: [refused] } : checked;
      if (parsed.ok) valid.push({ index, touchpoint: parsed.touchpoint, identifiers: parsed.identifiers });
      else {
        this.metrics.rejected('http', parsed.errors);
        results[index] = {
          index,
          status: 'rejected',
          touchpointId:
            typeof (item as { touchpointId?: unknown })?.touchpointId === 'string'
              ? (item as { touchpointId: string }).touchpointId
              : undefined,
          errors: parsed.errors,
        };
      }
    });
    const recorded: RecordedTouchpoint[] = await this.commandBus.execute(new RecordTouchpointsCommand(valid));
    this.metrics.recorded(
      'http',
      valid.map((v) => v.touchpoint),
      recorded,
    );
    recorded.forEach((r, i) => {
      const index = valid[i]!.index;
      results[index] = isRefused(r)
        ? { index, status: 'rejected', touchpointId: r.touchpointId, errors: [r.refused] }
        : { index, status: r.duplicate ? 'duplicate' : 'accepted', ...r };
    });
    return {
      accepted: results.filter((r) => r.status === 'accepted').length,
      duplicates: results.filter((r) => r.status === 'duplicate').length,
      rejected: results.filter((r) => r.status === 'rejected').length,
      results,
    };
  }

  private get country(): CountryCode {
    return this.config.DEFAULT_PHONE_COUNTRY as CountryCode;
  }
}

import { Roles } from '@c360/access';
import { CHANNELS, CHURN_LEVELS, LOYALTY_TIERS } from '@c360/domain';
import { ApiError } from '@c360/http';
import { distributionOf, findCampaignCandidates, rankCustomers, type RankedCustomer } from '@c360/read-models';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { sendCsv, wantsCsv } from './csv.js';
import { oneOf, page, paging } from './paging.js';

const RANKED_COLUMNS: (keyof RankedCustomer)[] = [
  'customerId',
  'loyaltyScore',
  'tier',
  'churnRisk',
  'churnLevel',
  'churnReasons',
  'currency',
  'historicalSpend',
  'historicalMargin',
  'expectedValue',
  'orders',
  'lastPurchaseAt',
  'lastContactAt',
  'openComplaints',
  'marketingConsent',
  'mainChannel',
  'scoredAt',
];

/** JSON by default; CSV of the same rows with `Accept: text/csv`. */
function answer<T extends object>(
  request: Request,
  response: Response,
  name: string,
  body: { items: T[] } & Record<string, unknown>,
  columns: string[],
) {
  if (!wantsCsv(request)) return body;
  sendCsv(response, name, body.items as Record<string, unknown>[], columns);
  return undefined;
}

@ApiTags('analytics')
@Controller('v1/analytics')
@Roles('analyst')
@ApiProduces('application/json', 'text/csv')
export class AnalyticsController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('top')
  @ApiOperation({ summary: 'Top customers by loyalty score or by lifetime spend (CSV with Accept: text/csv)' })
  @ApiQuery({ name: 'by', enum: ['loyalty', 'value'], required: false })
  @ApiQuery({ name: 'tier', enum: LOYALTY_TIERS, required: false })
  @ApiQuery({ name: 'channel', enum: CHANNELS, required: false, description: 'Main channel of the customer' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ description: '{by, items: [...], nextOffset}' })
  async top(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const by = oneOf(query, 'by', ['loyalty', 'value'] as const, 'loyalty')!;
    const { limit, offset } = paging(query);
    const rows = await rankCustomers(this.dataSource.manager, {
      by,
      tier: oneOf(query, 'tier', LOYALTY_TIERS),
      mainChannel: oneOf(query, 'channel', CHANNELS),
      limit,
      offset,
    });
    return answer(request, response, `top-${by}`, { by, ...page(rows, limit, offset) }, RANKED_COLUMNS);
  }

  @Get('churn-risk')
  @ApiOperation({ summary: 'Buyers most at risk of leaving, with the reasons (CSV with Accept: text/csv)' })
  @ApiQuery({ name: 'level', enum: CHURN_LEVELS, required: false, description: 'Default: high and medium alike' })
  @ApiQuery({ name: 'tier', enum: LOYALTY_TIERS, required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ description: '{items: [{customerId, churnRisk, churnLevel, churnReasons, …}], nextOffset}' })
  async churn(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { limit, offset } = paging(query);
    const rows = await rankCustomers(this.dataSource.manager, {
      by: 'churn-risk',
      churnLevel: oneOf(query, 'level', CHURN_LEVELS),
      tier: oneOf(query, 'tier', LOYALTY_TIERS),
      buyersOnly: true,
      limit,
      offset,
    });
    return answer(request, response, 'churn-risk', page(rows, limit, offset), RANKED_COLUMNS);
  }

  @Get('cross-sell')
  @ApiOperation({
    summary: 'Campaign list: the best candidates for a product, with the reason (CSV with Accept: text/csv)',
    description: 'Customers who do not own the product and have marketing consent, by their best co-purchase lift.',
  })
  @ApiQuery({ name: 'sku', required: true })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ description: '{sku, items: [{customerId, score, because, reason}], nextOffset}' })
  async crossSell(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const sku = query.sku;
    if (typeof sku !== 'string' || sku.trim() === '' || sku.length > 200) {
      throw ApiError.validation([{ field: 'sku', reason: 'sku is required: the product to find buyers for' }]);
    }
    const { limit, offset } = paging(query);
    const rows = await findCampaignCandidates(this.dataSource.manager, sku, { limit: limit + 1, offset });
    return answer(request, response, `cross-sell-${sku}`, { sku, ...page(rows, limit, offset) }, [
      'customerId',
      'score',
      'because',
      'reason',
    ]);
  }

  @Get('distribution')
  @ApiOperation({ summary: 'Customers per loyalty tier, or per channel used (CSV with Accept: text/csv)' })
  @ApiQuery({ name: 'by', enum: ['tier', 'channel'], required: true })
  @ApiOkResponse({ description: '{by, items: [{bucket, customers, share, touchpoints?}]}' })
  async distribution(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const by = oneOf(query, 'by', ['tier', 'channel'] as const);
    if (!by) throw ApiError.validation([{ field: 'by', reason: 'by must be one of tier, channel' }]);
    const items = await distributionOf(this.dataSource.manager, by);
    return answer(request, response, `distribution-${by}`, { by, items }, [
      'bucket',
      'customers',
      'share',
      'touchpoints',
    ]);
  }
}

import { Roles } from '@c360/access';
import {
  churnRisk,
  customerStreamId,
  customerValue,
  daysSince,
  hasMarketingConsent,
  lastNpsAnswer,
  loyaltyScore,
  openComplaints,
  resolvedComplaintsSummary,
  type ChurnRisk,
  type CustomerProfileState,
  type CustomerValue,
  type LoyaltyScore,
} from '@c360/domain';
import { EVENT_STORE, type EventStore } from '@c360/event-store';
import { ApiError } from '@c360/http';
import { IdentityIndex } from '@c360/identity';
import {
  BASE_CURRENCY,
  CLOCK,
  combinedProfileOf,
  findCrossSellCandidates,
  marketingConsentOf,
  type Clock,
  type CrossSellCandidate,
} from '@c360/read-models';
import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { shownCustomer } from './customer-resolution.js';

/** The 360 view an agent reads: who the customer is, what they did, how they stand. */
export function profileView(profile: CustomerProfileState, streams: string[], now: Date) {
  const churn = churnRisk(profile, now);
  const value = customerValue(profile, now, BASE_CURRENCY, { churn });
  const loyalty = loyaltyScore(profile, now);
  return {
    customerId: profile.customerId,
    /** Customers merged into this one: their histories are part of this view. */
    mergedCustomers: streams.filter((s) => s !== profile.customerId),
    /** A prospect until the first purchase or registration. */
    lifecycle: profile.purchases.orders > 0 || profile.registeredAt !== null ? 'customer' : 'prospect',
    identities: profile.identities,
    profile: Object.fromEntries(Object.entries(profile.profile).map(([k, v]) => [k, v.value])),
    registeredAt: profile.registeredAt,
    consent: Object.values(profile.consents).sort((a, b) =>
      `${a.purpose}:${a.channel}`.localeCompare(`${b.purpose}:${b.channel}`),
    ),
    marketingConsent: hasMarketingConsent(profile),
    firstContactAt: profile.firstContactAt,
    lastContactAt: profile.lastContactAt,
    touchpoints: profile.touchpoints,
    countsByChannel: profile.countsByChannel,
    countsByType: profile.countsByType,
    purchases: {
      orders: profile.purchases.orders,
      units: profile.purchases.units,
      firstAt: profile.purchases.firstAt,
      lastAt: profile.purchases.lastAt,
      lifetimeSpend: value.historicalSpend,
      currency: value.currency,
      averageOrderValue: value.averageOrderValue,
      byCurrency: profile.purchases.byCurrency,
    },
    returns: profile.returns,
    complaints: {
      open: openComplaints(profile).map((c) => ({ ...c, ageDays: Math.floor(daysSince(c.openedAt, now) ?? 0) })),
      resolved: resolvedComplaintsSummary(profile),
    },
    lastNps: lastNpsAnswer(profile),
    loyalty: { score: loyalty.score, tier: loyalty.tier },
    tier: loyalty.tier,
    churnRisk: { score: churn.score, level: churn.level, reasons: churn.reasons },
    value: {
      historicalSpend: value.historicalSpend,
      historicalMargin: value.historicalMargin,
      expectedNext12Months: value.expectedNext12Months,
      currency: value.currency,
    },
    asOf: now.toISOString(),
  };
}

@ApiTags('customers')
@Controller('v1/customers')
@Roles('agent', 'analyst', 'auditor')
export class CustomerProfileController {
  constructor(
    private readonly identity: IdentityIndex,
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':customerId')
  @ApiOperation({
    summary: 'The customer 360 profile',
    description:
      'Identities, contact data, consent, first and last contact, counts by channel and type, spend and orders, ' +
      'returns, open complaints with their age, last NPS, tier, loyalty, churn risk and value, scored now. ' +
      'Covers the histories of customers merged into this one. ETag: the stream revision (If-Match of merges).',
  })
  @ApiOkResponse({ description: 'The profile' })
  async profile(
    @Param('customerId') customerId: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const shown = await shownCustomer(this.identity, customerId, request, response);
    const [{ profile, streams }, [last]] = await Promise.all([
      combinedProfileOf(this.dataSource.manager, shown),
      this.store.readStream(customerStreamId(shown), { direction: 'backwards', maxCount: 1 }),
    ]);
    response.setHeader('ETag', `"${last?.streamRevision ?? -1}"`);
    return profileView(profile, streams, this.clock());
  }

  @Get(':customerId/loyalty')
  @ApiOperation({
    summary: 'Loyalty score 0–100, its components and tier, and why',
    description: 'Scored against now: recency decays with time even without new events. See docs/scoring.md.',
  })
  @ApiOkResponse({ description: '{score, tier, components: [{name, score, weight, explanation}], reasons, asOf}' })
  async loyalty(
    @Param('customerId') customerId: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LoyaltyScore & { customerId: string }> {
    const { profile } = await this.profileOf(customerId, request, response);
    return { customerId: profile.customerId, ...loyaltyScore(profile, this.clock()) };
  }

  @Get(':customerId/churn-risk')
  @ApiOperation({ summary: 'Churn risk 0–100 with its reasons, and the customer value (historical and forward)' })
  @ApiOkResponse({ description: '{churnRisk: {score, level, reasons…}, value: {historicalSpend, …}}' })
  async churn(
    @Param('customerId') customerId: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ customerId: string; churnRisk: ChurnRisk; value: CustomerValue }> {
    const { profile } = await this.profileOf(customerId, request, response);
    const now = this.clock();
    const churn = churnRisk(profile, now);
    return {
      customerId: profile.customerId,
      churnRisk: churn,
      value: customerValue(profile, now, BASE_CURRENCY, { churn }),
    };
  }

  @Get(':customerId/cross-sell')
  @ApiOperation({
    summary: 'Products the customer does not own, ranked by co-purchase affinity, each with its reason',
    description: 'No marketing consent on record means no offers: the answer says so. See docs/cross-sell.md.',
  })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 50, default 10' })
  @ApiOkResponse({ description: '{customerId, marketingConsent, candidates: [{sku, lift, confidence, reason…}]}' })
  async crossSell(
    @Param('customerId') customerId: string,
    @Query('limit') rawLimit: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ customerId: string; marketingConsent: boolean; candidates: CrossSellCandidate[]; note?: string }> {
    const limit = rawLimit === undefined ? 10 : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
      throw ApiError.validation([{ field: 'limit', reason: 'limit must be a whole number from 1 to 50' }]);
    }
    const shown = await shownCustomer(this.identity, customerId, request, response);
    const streams = await this.identity.membersOf(shown);
    const manager = this.dataSource.manager;
    if (!(await marketingConsentOf(manager, streams))) {
      return {
        customerId: shown,
        marketingConsent: false,
        candidates: [],
        note: 'No marketing consent on record: no offers may be made to this customer.',
      };
    }
    return {
      customerId: shown,
      marketingConsent: true,
      candidates: await findCrossSellCandidates(manager, streams, { limit }),
    };
  }

  private async profileOf(customerId: string, request: Request, response: Response) {
    const shown = await shownCustomer(this.identity, customerId, request, response);
    return combinedProfileOf(this.dataSource.manager, shown);
  }
}

import { Roles } from '@c360/access';
import {
  combineProfiles,
  customerStreamId,
  emptyCustomerProfile,
  foldCustomerProfile,
  loyaltyScore,
  upcast,
} from '@c360/domain';
import { EVENT_STORE, verifyChains, type EventStore, type RecordedEvent } from '@c360/event-store';
import { ApiError, ApiErrorCode } from '@c360/http';
import { IdentityIndex } from '@c360/identity';
import { ProjectorService } from '@c360/projections';
import { CLOCK, type Clock } from '@c360/read-models';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { shownCustomer } from './customer-resolution.js';
import { profileView } from './customer-profile.controller.js';
import { instant } from './query-values.js';

const MAX_EVENTS_PER_STREAM = 100_000;
const MAX_PAGE = 1000;

/** One stored event as an auditor reads it: everything that was recorded, nothing derived. */
export interface HistoryItem {
  eventId: string;
  streamId: string;
  streamRevision: number;
  position: string;
  type: string;
  occurredAt: string | null;
  recordedAt: string;
  channel: string | null;
  actor: unknown;
  touchpointId: string | null;
  correlationId: string | null;
  causationId: string | null;
  schemaVersion: number | null;
  /** The customer was forgotten: personal fields read `[redacted]`. */
  forgotten: boolean;
  data: unknown;
}

function historyItem(e: RecordedEvent): HistoryItem {
  const m = e.metadata;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    eventId: e.eventId,
    streamId: e.streamId,
    streamRevision: e.streamRevision,
    position: e.position,
    type: e.type,
    occurredAt: text(m.occurredAt),
    recordedAt: e.recordedAt,
    channel: text(m.channel),
    actor: m.actor ?? null,
    touchpointId: text(m.touchpointId),
    correlationId: text(m.correlationId),
    causationId: text(m.causationId),
    schemaVersion: typeof m.schemaVersion === 'number' ? m.schemaVersion : null,
    forgotten: m.forgotten === true,
    data: e.data,
  };
}

/** Recording order across the streams of one customer: recorded instant, then stream and revision. */
function byRecording(a: RecordedEvent, b: RecordedEvent): number {
  return (
    a.recordedAt.localeCompare(b.recordedAt) ||
    a.streamId.localeCompare(b.streamId) ||
    a.streamRevision - b.streamRevision
  );
}

@ApiTags('audit')
@Controller('v1/customers')
@Roles('auditor')
export class CustomerHistoryController {
  constructor(
    private readonly identity: IdentityIndex,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly projector: ProjectorService,
  ) {}

  @Post(':customerId/replay')
  @Roles()
  @HttpCode(200)
  @ApiOperation({
    summary: "Re-runs the per-customer projections over this customer's streams (admin)",
    description:
      "Drops the customer's rows of each per-customer read model (timeline, profile and scores) and applies its " +
      'events again, up to where each projection stands, while the projector waits: a repair for one customer ' +
      'without a full rebuild. Aggregates (counts, cross-sell, KPIs) are rebuilt whole, with POST /v1/projections/:name/rebuild.',
  })
  @ApiOkResponse({ description: '{customerId, streams: [ids], projections: [{projection, events}]}' })
  async replay(
    @Param('customerId') customerId: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const shown = await shownCustomer(this.identity, customerId, request, response);
    const members = await this.identity.membersOf(shown);
    return { customerId: shown, streams: members, projections: await this.projector.replayer.replay(members) };
  }

  @Get(':customerId/history/verify')
  @ApiOperation({
    summary: "Checks the hash chain of the customer's streams (auditor)",
    description:
      'Each event stores a SHA-256 of its content and of the previous event of its stream. A changed or ' +
      'deleted event breaks the chain: the answer names the first broken link of each stream.',
  })
  @ApiOkResponse({ description: '{intact, streams: [{streamId, events, intact, firstBrokenLink}]}' })
  async verify(
    @Param('customerId') customerId: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    // The chain lives in the PostgreSQL store's rows; no other store can be checked this way.
    if (!this.store.capabilities.hashChains) {
      throw new ApiError(ApiErrorCode.NOT_SUPPORTED, 'Hash chains are kept by the PostgreSQL event store only');
    }
    const shown = await shownCustomer(this.identity, customerId, request, response, { forgotten: 'shown' });
    const members = await this.identity.membersOf(shown);
    const streams = await verifyChains(
      (sql, params) => this.dataSource.query(sql, params),
      members.map(customerStreamId),
    );
    return {
      customerId: shown,
      intact: streams.every((s) => s.intact),
      streams,
      checkedAt: this.clock().toISOString(),
    };
  }

  @Get(':customerId/history')
  @ApiOperation({
    summary: "The customer's raw events with all their metadata, in recording order (auditor)",
    description:
      'Includes the streams of customers merged into this one. NDJSON of every matching event with ' +
      '`Accept: application/x-ndjson`. Events are shown as stored (their own schema version).',
  })
  @ApiQuery({ name: 'type', required: false, description: 'Event types, comma-separated (e.g. PurchaseMade)' })
  @ApiQuery({ name: 'from', required: false, description: 'Recorded at or after this instant' })
  @ApiQuery({ name: 'to', required: false, description: 'Recorded before this instant' })
  @ApiQuery({ name: 'limit', required: false, description: `1 to ${MAX_PAGE}, default 100` })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiProduces('application/json', 'application/x-ndjson')
  @ApiOkResponse({ description: '{items: [{eventId, streamId, streamRevision, position, type, …}], nextCursor}' })
  async history(
    @Param('customerId') customerId: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw ApiError.validation([{ field: 'limit', reason: `limit must be a whole number from 1 to ${MAX_PAGE}` }]);
    }
    const from = instant(query.from, 'from');
    const to = instant(query.to, 'to');
    const types = typeof query.type === 'string' && query.type !== '' ? new Set(query.type.split(',')) : undefined;
    const start = query.cursor === undefined ? 0 : Number(Buffer.from(String(query.cursor), 'base64url').toString());
    if (!Number.isInteger(start) || start < 0) {
      throw ApiError.validation([{ field: 'cursor', reason: 'cursor is not one this endpoint gave' }]);
    }
    const shown = await shownCustomer(this.identity, customerId, request, response, { forgotten: 'shown' });
    const members = await this.identity.membersOf(shown);
    const events = (await this.readStreams(members))
      .filter((e) => !types || types.has(e.type))
      .filter((e) => (!from || e.recordedAt >= from.toISOString()) && (!to || e.recordedAt < to.toISOString()));
    if (request.accepts(['application/json', 'application/x-ndjson']) === 'application/x-ndjson') {
      response.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
      response.send(events.map((e) => JSON.stringify(historyItem(e))).join('\n') + (events.length ? '\n' : ''));
      return undefined;
    }
    const page = events.slice(start, start + limit);
    const next = start + limit < events.length ? Buffer.from(String(start + limit)).toString('base64url') : null;
    return { customerId: shown, streams: members, items: page.map(historyItem), nextCursor: next };
  }

  @Get(':customerId/state')
  @ApiOperation({
    summary: 'The 360 profile and loyalty as they were at an instant (auditor)',
    description:
      'Folds the events up to `asOf` with the same functions as the projections. `by=recorded` (default): what ' +
      'the system knew at that instant. `by=occurred`: what had happened by then, as known now (late arrivals ' +
      'included). Merges count as they stood at `asOf`.',
  })
  @ApiQuery({ name: 'asOf', required: true, description: 'An ISO 8601 instant' })
  @ApiQuery({ name: 'by', required: false, enum: ['recorded', 'occurred'] })
  @ApiOkResponse({ description: '{asOf, by, profile: {…as GET /v1/customers/:id}, loyalty: {…}}' })
  async state(@Param('customerId') customerId: string, @Query() query: Record<string, unknown>) {
    const asOf = instant(query.asOf, 'asOf');
    if (!asOf) throw ApiError.validation([{ field: 'asOf', reason: 'asOf is required: an ISO 8601 instant' }]);
    const by = query.by === undefined ? 'recorded' : query.by;
    if (by !== 'recorded' && by !== 'occurred') {
      throw ApiError.validation([{ field: 'by', reason: 'by must be one of recorded, occurred' }]);
    }
    if (asOf > this.clock()) throw ApiError.validation([{ field: 'asOf', reason: 'asOf must not be in the future' }]);
    const customer = await this.identity.customer(customerId);
    if (customer === undefined) throw new ApiError(ApiErrorCode.NOT_FOUND, `No customer ${customerId}`);
    if (customer.forgotten) {
      throw new ApiError(ApiErrorCode.CUSTOMER_FORGOTTEN, `Customer ${customerId} asked to be forgotten`);
    }
    const { rootId, members } = await this.identity.membersAsOf(customerId, asOf);
    const cutoff = asOf.toISOString();
    const events = (await this.readStreams(members)).filter((e) =>
      by === 'recorded' ? e.recordedAt <= cutoff : String(e.metadata.occurredAt ?? e.recordedAt) <= cutoff,
    );
    const parts = members.map((id) =>
      foldCustomerProfile(
        emptyCustomerProfile(id),
        events.filter((e) => e.streamId === customerStreamId(id)).map(upcast),
      ),
    );
    const withHistory = members.filter((_, i) => parts[i]!.touchpoints > 0 || parts[i]!.identities.length > 0);
    const profile = combineProfiles(rootId, parts);
    return {
      asOf: cutoff,
      by,
      events: events.length,
      profile: profileView(profile, withHistory, asOf),
      loyalty: loyaltyScore(profile, asOf),
    };
  }

  private async readStreams(customerIds: string[]): Promise<RecordedEvent[]> {
    const streams = await Promise.all(
      customerIds.map((id) => this.store.readStream(customerStreamId(id), { maxCount: MAX_EVENTS_PER_STREAM })),
    );
    return streams.flat().sort(byRecording);
  }
}

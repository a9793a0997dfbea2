import { Roles } from '@c360/access';
import { DAY_MS, KPI_PERIODS, periodOrdinal, periodOrdinals, periodStart, type KpiPeriod } from '@c360/domain';
import { ApiError, type FieldProblem } from '@c360/http';
import {
  cohortsAsOf,
  relationshipKpisAsOf,
  serviceImpactAsOf,
  SILENCE_FLOOR_DAYS,
  survivalAsOf,
  SURVIVAL_GROUPINGS,
} from '@c360/read-models';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { sendCsv, wantsCsv } from './csv.js';
import { oneOf, page, paging } from './paging.js';
import { parseInstant } from './query-values.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_CHURN_DAYS = 3650;
const MAX_PERIODS = 1000;
const DEFAULT_PERIODS = 12;

/**
 * An instant from a query string: an ISO date-time with a zone, or a date. A bare date as an end (`to`, `asOf`)
 * means the end of that day (UTC), so `to=2024-03-31` includes March 31st.
 */
function instant(
  query: Record<string, unknown>,
  field: string,
  problems: FieldProblem[],
  asEnd: boolean,
): number | undefined {
  const value = query[field];
  const date = parseInstant(value);
  if (date === null) {
    problems.push({ field, reason: `${field} must be a date (2024-03-31) or an ISO 8601 date-time with a zone` });
    return undefined;
  }
  if (date === undefined) return undefined;
  return asEnd && DATE_ONLY.test(value as string) ? date.getTime() + DAY_MS - 1 : date.getTime();
}

function churnAfterDays(query: Record<string, unknown>, problems: FieldProblem[]): number {
  const value = query.churnAfterDays === undefined || query.churnAfterDays === '' ? 365 : Number(query.churnAfterDays);
  if (!Number.isInteger(value) || value < 1 || value > MAX_CHURN_DAYS) {
    problems.push({
      field: 'churnAfterDays',
      reason: `churnAfterDays must be a whole number of days from 1 to ${MAX_CHURN_DAYS}`,
    });
  }
  return value;
}

interface Window {
  period: KpiPeriod;
  from: number;
  to: number;
  asOf: number;
}

/** period, from, to and asOf, checked together: every fault is named before anything is read. */
function periodWindow(query: Record<string, unknown>, periods: readonly KpiPeriod[], problems: FieldProblem[]) {
  const period = oneOf(query, 'period', periods, 'month', problems)!;
  const asOf = instant(query, 'asOf', problems, true) ?? Date.now();
  const to = instant(query, 'to', problems, true) ?? asOf;
  const from =
    instant(query, 'from', problems, false) ?? periodStart(periodOrdinal(to, period) - (DEFAULT_PERIODS - 1), period);
  if (from > to) problems.push({ field: 'from', reason: 'from must not be after to' });
  else if (periodOrdinals(from, to, period).length > MAX_PERIODS)
    problems.push({ field: 'from', reason: `from and to may span at most ${MAX_PERIODS} periods` });
  return { period, from, to, asOf } satisfies Window;
}

function fail(problems: FieldProblem[]): void {
  if (problems.length > 0) throw ApiError.validation(problems, 'query');
}

const iso = (ms: number) => new Date(ms).toISOString();

@ApiTags('analytics')
@Controller('v1/analytics')
@Roles('analyst')
@ApiProduces('application/json', 'text/csv')
@ApiBadRequestResponse({
  description: 'Every bad parameter with the reason: {code, message, errors: [{field, reason}]}',
})
export class KpisController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('kpis')
  @ApiOperation({
    summary: 'Relationship KPIs per period: retention, churn, revenue, margin, acquisition cost, lifetime, CLV',
    description:
      'Definitions in docs/kpis.md. As the history stood at `asOf` (by occurred time). CSV (Accept: text/csv) ' +
      'lists the periods.',
  })
  @ApiQuery({ name: 'period', enum: KPI_PERIODS, required: false, description: 'Default month (UTC)' })
  @ApiQuery({ name: 'from', required: false, description: 'Date or date-time; default: 11 periods before `to`' })
  @ApiQuery({ name: 'to', required: false, description: 'Date (its whole day) or date-time; default `asOf`' })
  @ApiQuery({ name: 'asOf', required: false, description: 'Answer as the history stood then; default now' })
  @ApiQuery({
    name: 'churnAfterDays',
    required: false,
    description:
      `Silence that makes a churn; default 365. From ${SILENCE_FLOOR_DAYS} days on it is read from precomputed ` +
      `churn instants or silences; a shorter one is computed from every customer history (exact, but seconds at ` +
      `50k customers)`,
  })
  @ApiOkResponse({
    description:
      '{period, asOf, churnAfterDays, periods: [{period, from, to, activeCustomers, newCustomers, retainedCustomers, ' +
      'retentionRate, customersAtStart, churnedCustomers, churnRate, revenue, margin, marginPerCustomer, ' +
      'uncostedRevenueShare, marketingSpend, acquisitionCost, acquisitionCostByChannel}], averageLifetimeDays: ' +
      '{kaplanMeierMedian, kaplanMeierMean, observedMean, customers, churned}, yearlyMarginPerActiveCustomer, lifetimeValue}',
  })
  async kpis(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const problems: FieldProblem[] = [];
    const window = periodWindow(query, KPI_PERIODS, problems);
    const churn = churnAfterDays(query, problems);
    fail(problems);
    const kpis = await relationshipKpisAsOf(this.dataSource.manager, { ...window, churnAfterDays: churn });
    if (!wantsCsv(request)) return kpis;
    sendCsv(response, `kpis-${window.period}`, kpis.periods as unknown as Record<string, unknown>[], [
      'period',
      'from',
      'to',
      'activeCustomers',
      'newCustomers',
      'retainedCustomers',
      'retentionRate',
      'customersAtStart',
      'churnedCustomers',
      'churnRate',
      'revenue',
      'margin',
      'marginPerCustomer',
      'uncostedRevenueShare',
      'marketingSpend',
      'acquisitionCost',
      'acquisitionCostByChannel',
    ]);
    return undefined;
  }

  @Get('cohorts')
  @ApiOperation({
    summary: 'Retention and revenue by cohort of first purchase (CSV with Accept: text/csv)',
    description: '`retention[k]`: share of the cohort with a purchase k periods later; `revenue[k]`: its net revenue.',
  })
  @ApiQuery({ name: 'period', enum: ['month', 'quarter'], required: false, description: 'Default month' })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({
    description: '{period, asOf, cohorts: [{cohort, size, retention: [1, …], revenue: [...]}], nextOffset}',
  })
  async cohorts(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const problems: FieldProblem[] = [];
    const window = periodWindow(query, ['month', 'quarter'], problems);
    fail(problems);
    const { limit, offset } = paging(query);
    const all = await cohortsAsOf(this.dataSource.manager, window);
    const { items, nextOffset } = page(all.slice(offset), limit, offset);
    if (!wantsCsv(request)) return { period: window.period, asOf: iso(window.asOf), cohorts: items, nextOffset };
    sendCsv(response, `cohorts-${window.period}`, items as unknown as Record<string, unknown>[], [
      'cohort',
      'size',
      'retention',
      'revenue',
    ]);
    return undefined;
  }

  @Get('survival')
  @ApiOperation({
    summary: 'Kaplan–Meier customer survival curves, for plotting (CSV with Accept: text/csv: one row per point)',
    description: 'Lifetime from first to last purchase; the living are censored at `asOf`. tier: the tier scored now.',
  })
  @ApiQuery({ name: 'by', enum: SURVIVAL_GROUPINGS, required: false, description: 'Default none' })
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({
    name: 'churnAfterDays',
    required: false,
    description: `Default 365; from ${SILENCE_FLOOR_DAYS} days on precomputed (fast), below it every history is read`,
  })
  @ApiQuery({ name: 'limit', required: false, description: 'Groups per page' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({
    description:
      '{by, asOf, churnAfterDays, groups: [{group, customers, churned, medianDays, meanDays, points: [{day, survival, atRisk, churned}]}], nextOffset}',
  })
  async survival(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const problems: FieldProblem[] = [];
    const by = oneOf(query, 'by', SURVIVAL_GROUPINGS, 'none', problems)!;
    const asOf = instant(query, 'asOf', problems, true) ?? Date.now();
    const churn = churnAfterDays(query, problems);
    fail(problems);
    const { limit, offset } = paging(query);
    const groups = await survivalAsOf(this.dataSource.manager, by, asOf, churn);
    const { items, nextOffset } = page(groups.slice(offset), limit, offset);
    if (!wantsCsv(request)) return { by, asOf: iso(asOf), churnAfterDays: churn, groups: items, nextOffset };
    const rows = items.flatMap((g) => g.points.map((p) => ({ group: g.group, ...p })));
    sendCsv(response, `survival-${by}`, rows, ['group', 'day', 'survival', 'atRisk', 'churned']);
    return undefined;
  }

  @Get('service-impact')
  @ApiOperation({
    summary: 'Churn and spend by how complaints went; the share of churned customers whose last experience was bad',
    description:
      'Customers of the window (alive at `from` or new in it), grouped by the worst fate of the complaints they ' +
      'opened in it. Default window: the 365 days up to `asOf`. CSV (Accept: text/csv) lists the groups.',
  })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({
    name: 'churnAfterDays',
    required: false,
    description: `Default 365; from ${SILENCE_FLOOR_DAYS} days on precomputed (fast), below it every history is read`,
  })
  @ApiOkResponse({
    description:
      '{from, to, asOf, churnAfterDays, groups: [{group, customers, churned, churnRate, averageSpend}], churnedCustomers, ' +
      'churnedAfterBadExperience, badLastExperienceShare, medianResolutionDays, resolvedComplaints}',
  })
  async serviceImpact(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const problems: FieldProblem[] = [];
    const asOf = instant(query, 'asOf', problems, true) ?? Date.now();
    const to = instant(query, 'to', problems, true) ?? asOf;
    const from = instant(query, 'from', problems, false) ?? to + 1 - 365 * DAY_MS;
    if (from > to) problems.push({ field: 'from', reason: 'from must not be after to' });
    const churn = churnAfterDays(query, problems);
    fail(problems);
    const impact = await serviceImpactAsOf(this.dataSource.manager, {
      from,
      to: to + 1,
      asOf,
      churnAfterDays: churn,
    });
    if (!wantsCsv(request)) return impact;
    sendCsv(response, 'service-impact', impact.groups as unknown as Record<string, unknown>[], [
      'group',
      'customers',
      'churned',
      'churnRate',
      'averageSpend',
    ]);
    return undefined;
  }
}

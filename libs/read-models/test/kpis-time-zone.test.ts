/**
 * @jest-environment ./libs/read-models/test/behind-utc.environment.mjs
 */
import { cohortsOf, relationshipKpis, serviceImpact, survivalCurves } from '@c360/domain';
import { DataSource } from 'typeorm';
import {
  cohortsAsOf,
  marketingSpendAsOf,
  relationshipKpisAsOf,
  serviceExperiencesAsOf,
  serviceImpactAsOf,
  survivalAsOf,
} from '../src/kpis/kpis.queries.js';
import { historiesFromFacts } from './kpi-plain-reading.js';
import { openPlantedKpiDatabase } from './kpi-seed.js';

/**
 * The KPI queries compare month starts and days with SQL `date` columns. In a process whose time zone is behind
 * UTC, a JS Date of a UTC month start is still the last day of the month before locally: given the planted
 * history, every answer is the same as the plain reading of the facts (whose bounds are instants).
 */
describe('KPI queries in a process behind UTC', () => {
  let planted: Awaited<ReturnType<typeof openPlantedKpiDatabase>> | undefined;
  let dataSource: DataSource;

  beforeAll(async () => {
    planted = await openPlantedKpiDatabase();
    dataSource = planted.dataSource;
  });
  afterAll(() => planted?.close());

  it('runs behind UTC: a UTC month start is the day before, locally', () => {
    expect(new Date(Date.UTC(2024, 2, 1)).getDate()).toBe(29);
  });

  it.each(['2023-08-17T13:45:00.000Z', '2024-03-01T00:00:00.000Z'].map(Date.parse))(
    'answers kpis, cohorts, survival and service impact as the plain reading does (asOf %d)',
    async (asOf) => {
      const m = dataSource.manager;
      const plain = await historiesFromFacts(dataSource, asOf);
      const spend = await marketingSpendAsOf(m, asOf);
      for (const period of ['month', 'quarter'] as const)
        for (const churnAfterDays of [20, 90, 365]) {
          const window = { period, from: Date.parse('2022-11-01'), to: asOf, asOf, churnAfterDays };
          expect(await relationshipKpisAsOf(m, window)).toEqual(relationshipKpis(plain, spend, window));
        }
      const cohorts = { period: 'month' as const, from: Date.parse('2022-02-01'), to: asOf, asOf };
      expect(await cohortsAsOf(m, cohorts)).toEqual(cohortsOf(plain, cohorts));
      for (const churnAfterDays of [90, 365])
        expect(await survivalAsOf(m, 'channel', asOf, churnAfterDays)).toEqual(
          survivalCurves(plain, (h) => h.firstChannel, asOf, churnAfterDays),
        );
      const experiences = await serviceExperiencesAsOf(m, asOf);
      for (const churnAfterDays of [90, 365]) {
        const window = {
          from: Date.parse('2023-01-01'),
          to: Math.min(asOf, Date.parse('2024-01-01')),
          asOf,
          churnAfterDays,
        };
        expect(await serviceImpactAsOf(m, window)).toEqual(serviceImpact(plain, (id) => experiences.get(id), window));
      }
    },
  );
});

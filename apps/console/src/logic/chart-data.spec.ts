import { cohortHeatmap, cohortRows, retentionChurnSeries, survivalSeries, type KpiPeriod } from './chart-data.js';

const period = (name: string, retentionRate: number | null, churnRate: number | null) =>
  ({ period: name, retentionRate, churnRate }) as KpiPeriod;

describe('shaping analytics answers for the charts', () => {
  it('turns rates into percentages and keeps periods without a measure as gaps', () => {
    expect(retentionChurnSeries([period('2026-01', 0.5, 0.125), period('2026-02', null, 0)])).toEqual({
      categories: ['2026-01', '2026-02'],
      retention: [50, null],
      churn: [12.5, 0],
    });
  });

  it('lays cohorts out as heat-map cells, leaving out the periods not reached yet', () => {
    const heat = cohortHeatmap([
      { cohort: '2026-01', size: 4, retention: [1, 0.5, 0.25], revenue: [] },
      { cohort: '2026-02', size: 2, retention: [1, 0.5], revenue: [] },
    ]);
    expect(heat.offsets).toEqual(['0', '1', '2']);
    expect(heat.cohorts).toEqual(['2026-01 (4)', '2026-02 (2)']);
    expect(heat.cells).toEqual([
      [0, 0, 100],
      [1, 0, 50],
      [2, 0, 25],
      [0, 1, 100],
      [1, 1, 50],
    ]);
  });

  it('starts every survival curve at day 0 with everyone alive', () => {
    const [curve] = survivalSeries([
      {
        group: 'all',
        customers: 5,
        churned: 2,
        medianDays: null,
        meanDays: null,
        points: [
          { day: 10, survival: 0.8, atRisk: 5, churned: 1 },
          { day: 100, survival: 0.6, atRisk: 4, churned: 1 },
        ],
      },
    ]);
    expect(curve!.points).toEqual([
      [0, 100],
      [10, 80],
      [100, 60],
    ]);
  });

  it('flattens cohorts into one CSV column per period after the first purchase', () => {
    expect(cohortRows([{ cohort: '2026-01', size: 4, retention: [1, 0.5], revenue: [] }])).toEqual({
      columns: ['cohort', 'size', 'retention_0', 'retention_1'],
      rows: [{ cohort: '2026-01', size: 4, retention_0: 1, retention_1: 0.5 }],
    });
  });
});

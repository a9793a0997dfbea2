/** Shapes the analytics answers into what the charts and tables draw; pure, so it is tested without a browser. */

export interface KpiPeriod {
  period: string;
  from: string;
  to: string;
  activeCustomers: number;
  newCustomers: number;
  retainedCustomers: number;
  retentionRate: number | null;
  customersAtStart: number;
  churnedCustomers: number;
  churnRate: number | null;
  revenue: number;
  margin: number;
  marginPerCustomer: number | null;
  marketingSpend: number;
  acquisitionCost: number | null;
}

export interface Cohort {
  cohort: string;
  size: number;
  retention: number[];
  revenue: number[];
}

export interface SurvivalPoint {
  day: number;
  survival: number;
  atRisk: number;
  churned: number;
}

export interface SurvivalGroup {
  group: string;
  customers: number;
  churned: number;
  medianDays: number | null;
  meanDays: number | null;
  points: SurvivalPoint[];
}

export interface ServiceImpactGroup {
  group: string;
  customers: number;
  churned: number;
  churnRate: number | null;
  averageSpend: number | null;
}

/** Rates as percentages with one decimal; a period with no one to measure stays a gap, not a zero. */
const percent = (rate: number | null | undefined) =>
  rate === null || rate === undefined || !Number.isFinite(rate) ? null : Math.round(rate * 1000) / 10;

export function retentionChurnSeries(periods: readonly KpiPeriod[]) {
  return {
    categories: periods.map((p) => p.period),
    retention: periods.map((p) => percent(p.retentionRate)),
    churn: periods.map((p) => percent(p.churnRate)),
  };
}

/** Heat-map cells [periods after, cohort row, % retained]; cells not reached yet are left out. */
export function cohortHeatmap(cohorts: readonly Cohort[]) {
  const width = Math.max(0, ...cohorts.map((c) => c.retention.length));
  const cells: [number, number, number][] = [];
  cohorts.forEach((c, row) =>
    c.retention.forEach((rate, offset) => {
      const value = percent(rate);
      if (value !== null) cells.push([offset, row, value]);
    }),
  );
  return {
    offsets: Array.from({ length: width }, (_, i) => String(i)),
    cohorts: cohorts.map((c) => `${c.cohort} (${c.size})`),
    cells,
  };
}

/**
 * Kaplan–Meier curves are steps: survival holds until the next event day. Each group starts at day 0 with
 * 100% so the curve is drawn from the origin even when the first churn comes later.
 */
export function survivalSeries(groups: readonly SurvivalGroup[]) {
  return groups.map((g) => {
    const points: [number, number][] = g.points.map((p) => [p.day, percent(p.survival) ?? 0]);
    if (points.length === 0 || points[0]![0] > 0) points.unshift([0, 100]);
    return { name: g.group, points };
  });
}

export function serviceImpactBars(groups: readonly ServiceImpactGroup[]) {
  return {
    categories: groups.map((g) => g.group),
    churnRate: groups.map((g) => percent(g.churnRate)),
  };
}

/** Cohort rows flattened for CSV: one column per period offset. */
export function cohortRows(cohorts: readonly Cohort[]): { columns: string[]; rows: Record<string, unknown>[] } {
  const width = Math.max(0, ...cohorts.map((c) => c.retention.length));
  const offsets = Array.from({ length: width }, (_, i) => `retention_${i}`);
  return {
    columns: ['cohort', 'size', ...offsets],
    rows: cohorts.map((c) => ({
      cohort: c.cohort,
      size: c.size,
      ...Object.fromEntries(c.retention.map((r, i) => [`retention_${i}`, r])),
    })),
  };
}

export function survivalRows(groups: readonly SurvivalGroup[]): Record<string, unknown>[] {
  return groups.flatMap((g) => g.points.map((p) => ({ group: g.group, ...p })));
}

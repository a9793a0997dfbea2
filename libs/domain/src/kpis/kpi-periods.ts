/** The calendar periods KPIs are reported by, always in UTC. */
export const KPI_PERIODS = ['month', 'quarter', 'year'] as const;
export type KpiPeriod = (typeof KPI_PERIODS)[number];

export const PERIODS_PER_YEAR: Record<KpiPeriod, number> = { month: 12, quarter: 4, year: 1 };

const MONTHS_PER_PERIOD: Record<KpiPeriod, number> = { month: 1, quarter: 3, year: 12 };

/**
 * A period as a whole number counted from year 0 (months, quarters or years), so "k periods later" is
 * `ordinal + k` and period arithmetic never touches a calendar.
 */
export function periodOrdinal(instant: number, period: KpiPeriod): number {
  const date = new Date(instant);
  const months = date.getUTCFullYear() * 12 + date.getUTCMonth();
  return Math.floor(months / MONTHS_PER_PERIOD[period]);
}

/** The first instant of a period (inclusive). */
export function periodStart(ordinal: number, period: KpiPeriod): number {
  const months = ordinal * MONTHS_PER_PERIOD[period];
  return Date.UTC(Math.floor(months / 12), months % 12, 1);
}

/** The first instant after a period (exclusive end). */
export function periodEnd(ordinal: number, period: KpiPeriod): number {
  return periodStart(ordinal + 1, period);
}

/** How the period is named: `2024-01`, `2024-Q1`, `2024`. */
export function periodLabel(ordinal: number, period: KpiPeriod): string {
  switch (period) {
    case 'month': {
      const months = ordinal;
      return `${Math.floor(months / 12)}-${String((months % 12) + 1).padStart(2, '0')}`;
    }
    case 'quarter':
      return `${Math.floor(ordinal / 4)}-Q${(ordinal % 4) + 1}`;
    case 'year':
      return String(ordinal);
  }
}

/** Ordinals of the periods from the one holding `from` to the one holding `to`, both included. */
export function periodOrdinals(from: number, to: number, period: KpiPeriod): number[] {
  const first = periodOrdinal(from, period);
  const last = periodOrdinal(to, period);
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
}

/** Milliseconds two half-open spans share. */
export function overlapMs(aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  return Math.max(0, Math.min(aEnd, bEnd) - Math.max(aStart, bStart));
}

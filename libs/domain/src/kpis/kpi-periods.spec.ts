import { periodEnd, periodLabel, periodOrdinal, periodOrdinals, periodStart } from './kpi-periods.js';

const at = (iso: string) => Date.parse(iso);

describe('KPI periods (UTC)', () => {
  it('names and bounds months, quarters and years', () => {
    const march = periodOrdinal(at('2024-03-31T23:59:59.999Z'), 'month');
    expect(periodLabel(march, 'month')).toBe('2024-03');
    expect(new Date(periodStart(march, 'month')).toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(new Date(periodEnd(march, 'month')).toISOString()).toBe('2024-04-01T00:00:00.000Z');
    const q = periodOrdinal(at('2024-11-15T00:00:00Z'), 'quarter');
    expect(periodLabel(q, 'quarter')).toBe('2024-Q4');
    expect(new Date(periodEnd(q, 'quarter')).toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(periodLabel(periodOrdinal(at('2024-06-01T00:00:00Z'), 'year'), 'year')).toBe('2024');
  });

  it('lists the periods holding from to to, both included', () => {
    const months = periodOrdinals(at('2023-11-20T00:00:00Z'), at('2024-02-01T00:00:00Z'), 'month');
    expect(months.map((m) => periodLabel(m, 'month'))).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
    expect(periodOrdinals(at('2024-02-01T00:00:00Z'), at('2024-01-01T00:00:00Z'), 'month')).toEqual([]);
  });
});

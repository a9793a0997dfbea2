import { csvFileName, toCsv } from './csv.js';
import { formatMoney, formatPercent } from './format.js';
import { nextSortOrder, sortRows } from './sort-rows.js';

describe('tables: sorting, CSV and formatting', () => {
  const rows = [
    { id: 'b', score: 10 },
    { id: 'a', score: null },
    { id: 'c', score: 2 },
  ];

  it('sorts numbers by value either way, with empty values last', () => {
    expect(sortRows(rows, { column: 'score', direction: 'descending' }).map((r) => r.id)).toEqual(['b', 'c', 'a']);
    expect(sortRows(rows, { column: 'score', direction: 'ascending' }).map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });

  it('a new column sorts descending first, the same column flips', () => {
    const first = nextSortOrder(null, 'score');
    expect(first).toEqual({ column: 'score', direction: 'descending' });
    expect(nextSortOrder(first, 'score')).toEqual({ column: 'score', direction: 'ascending' });
    expect(nextSortOrder(first, 'id')).toEqual({ column: 'id', direction: 'descending' });
  });

  it('quotes CSV cells holding commas, quotes or line breaks, and writes lists as JSON', () => {
    expect(toCsv(['a', 'b'], [{ a: 'x, "y"', b: ['r1', 'r2'] }, { a: 'line\nbreak' }])).toBe(
      'a,b\r\n"x, ""y""","[""r1"",""r2""]"\r\n"line\nbreak",\r\n',
    );
  });

  it('names the CSV after the table, in plain letters', () => {
    expect(csvFileName('Retención por cohorte')).toBe('retencion-por-cohorte.csv');
    expect(csvFileName('Customer survival (Kaplan–Meier)')).toBe('customer-survival-kaplan-meier.csv');
  });

  it('formats money and rates in English and Spanish', () => {
    expect(formatMoney(1153.8, 'EUR', 'en')).toBe('€1,153.80');
    expect(formatMoney(1153.8, 'EUR', 'es').replace(/\s/g, ' ')).toBe('1153,80 €');
    expect(formatPercent(0.125, 'es').replace(/\s/g, ' ')).toBe('12,5 %');
    expect(formatPercent(null, 'en')).toBe('—');
  });
});

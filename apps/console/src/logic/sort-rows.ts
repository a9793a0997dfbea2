export type SortDirection = 'ascending' | 'descending';

export interface SortOrder {
  column: string;
  direction: SortDirection;
}

/** Sorts a copy: numbers by value, the rest as text in the reader's language; empty values always last. */
export function sortRows<T extends Record<string, unknown>>(
  rows: readonly T[],
  order: SortOrder | null,
  locale = 'en',
): T[] {
  if (!order) return [...rows];
  const sign = order.direction === 'ascending' ? 1 : -1;
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' });
  return [...rows].sort((a, b) => {
    const x = a[order.column];
    const y = b[order.column];
    const xEmpty = x === null || x === undefined || x === '';
    const yEmpty = y === null || y === undefined || y === '';
    if (xEmpty || yEmpty) return xEmpty === yEmpty ? 0 : xEmpty ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    return sign * collator.compare(String(x), String(y));
  });
}

/** Clicking a column header: a new column sorts descending first (rankings), the same one flips. */
export function nextSortOrder(current: SortOrder | null, column: string): SortOrder {
  if (current?.column !== column) return { column, direction: 'descending' };
  return { column, direction: current.direction === 'descending' ? 'ascending' : 'descending' };
}

import { useId, useState, type ReactNode } from 'react';
import { ApiProblem } from './api/api-client.js';
import { useI18n } from './app-context.js';
import { csvFileName, toCsv } from './logic/csv.js';
import { nextSortOrder, sortRows, type SortOrder } from './logic/sort-rows.js';

/** An API error in words, announced to screen readers, next to what caused it. */
export function ErrorNote({ error, id }: { error: unknown; id?: string }) {
  const { t } = useI18n();
  if (!error) return null;
  let text: string;
  if (error instanceof ApiProblem) {
    text = error.code === 'NETWORK' ? t('error.network') : error.message;
    const details = error.errors.map((e) => `${e.field}: ${e.reason}`);
    if (details.length && !details.every((d) => text.includes(d))) text = `${text} (${details.join('; ')})`;
  } else text = (error as Error).message ?? String(error);
  return (
    <p className="error" role="alert" id={id}>
      {text}
    </p>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label ?? t('app.loading')}
    </p>
  );
}

/** Saves text as a file with the browser's own download, without a round trip. */
export function downloadText(text: string, fileName: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function CsvButton({
  title,
  columns,
  rows,
}: {
  title: string;
  columns: string[];
  rows: Record<string, unknown>[];
}) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      className="secondary"
      aria-label={`${t('table.csv')}: ${title}`}
      onClick={() => downloadText(toCsv(columns, rows), csvFileName(title))}
    >
      {t('table.csv')}
    </button>
  );
}

export interface Column<T> {
  key: keyof T & string;
  label: string;
  render?: (row: T) => ReactNode;
  numeric?: boolean;
}

/** A table whose headers sort it (Enter or click) and that downloads as CSV. */
export function DataTable<T extends Record<string, unknown>>({
  title,
  columns,
  rows,
  csvColumns,
}: {
  title: string;
  columns: Column<T>[];
  rows: T[];
  csvColumns?: string[];
}) {
  const { t, locale } = useI18n();
  const [order, setOrder] = useState<SortOrder | null>(null);
  const sorted = sortRows(rows, order, locale);
  const captionId = useId();
  return (
    <div className="table-block">
      <div className="table-head">
        <h3 id={captionId}>{title}</h3>
        <CsvButton title={title} columns={csvColumns ?? columns.map((c) => c.key)} rows={rows} />
      </div>
      {rows.length === 0 ? (
        <p className="muted">{t('table.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table aria-labelledby={captionId}>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th
                    key={c.key}
                    scope="col"
                    className={c.numeric ? 'num' : undefined}
                    aria-sort={order?.column === c.key ? order.direction : 'none'}
                  >
                    <button
                      type="button"
                      className="sort"
                      title={t('table.sortBy', { column: c.label })}
                      onClick={() => setOrder(nextSortOrder(order, c.key))}
                    >
                      {c.label}
                      <span aria-hidden="true">
                        {order?.column === c.key ? (order.direction === 'ascending' ? ' ▲' : ' ▼') : ''}
                      </span>
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sorted.map((row, i) => (
                <tr key={i}>
                  {columns.map((c) => (
                    <td key={c.key} className={c.numeric ? 'num' : undefined}>
                      {c.render ? c.render(row) : String(row[c.key] ?? '—')}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

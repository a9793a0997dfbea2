import { stringify } from 'csv-stringify/sync';
import type { Request, Response } from 'express';

/** Whether the client asked for CSV (`Accept: text/csv`) rather than JSON. */
export function wantsCsv(request: Request): boolean {
  return request.accepts(['application/json', 'text/csv']) === 'text/csv';
}

/** Writes rows as CSV with a header row; nested values are written as JSON. */
export function sendCsv(
  response: Response,
  filename: string,
  rows: Record<string, unknown>[],
  columns: string[],
): void {
  const records = rows.map((row) =>
    columns.map((c) => {
      const value = row[c];
      if (value === null || value === undefined) return '';
      return typeof value === 'object' ? JSON.stringify(value) : (value as string | number | boolean);
    }),
  );
  response.setHeader('Content-Type', 'text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${filename}.csv"`);
  response.send(stringify(records, { header: true, columns }));
}

import { ApiError, type FieldProblem } from '@c360/http';

export const MAX_PAGE = 1000;

/** `limit` (1–1000, default 50) and `offset` (≥ 0) from a query string. */
export function paging(query: Record<string, unknown>): { limit: number; offset: number } {
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  const offset = query.offset === undefined ? 0 : Number(query.offset);
  const errors = [];
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    errors.push({ field: 'limit', reason: `limit must be a whole number from 1 to ${MAX_PAGE}` });
  }
  if (!Number.isInteger(offset) || offset < 0)
    errors.push({ field: 'offset', reason: 'offset must be a whole number ≥ 0' });
  if (errors.length) throw ApiError.validation(errors);
  return { limit, offset };
}

/**
 * One of the allowed values, the fallback when absent. A wrong one is a 400 naming the field, or, given
 * `problems`, is added to them (so every fault of a query is named at once) and the fallback is used.
 */
export function oneOf<T extends string>(
  query: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
  fallback?: T,
  problems?: FieldProblem[],
): T | undefined {
  const value = query[field];
  if (value === undefined || value === '') return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const problem = { field, reason: `${field} must be one of ${allowed.join(', ')}` };
  if (!problems) throw ApiError.validation([problem]);
  problems.push(problem);
  return fallback;
}

/** A page of items and where the next starts (null on the last page). */
export function page<T>(rows: T[], limit: number, offset: number): { items: T[]; nextOffset: number | null } {
  return { items: rows.slice(0, limit), nextOffset: rows.length > limit ? offset + limit : null };
}

import { ApiError } from '@c360/http';

/** A calendar date (midnight UTC) or a date-time with a time zone; nothing else, however Date would read it. */
export const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** The instant a query value names: undefined when absent, null when it is not one. */
export function parseInstant(value: unknown): Date | null | undefined {
  if (value === undefined || value === '') return undefined;
  const date = typeof value === 'string' && INSTANT.test(value) ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : null;
}

export function instant(value: unknown, field: string): Date | undefined {
  const date = parseInstant(value);
  if (date === null) {
    throw ApiError.validation([{ field, reason: `${field} must be an ISO 8601 date or date-time with a time zone` }]);
  }
  return date;
}

/** The timeline's filter form and the query the API expects from it. */
export interface TimelineFilters {
  channel: string;
  type: string;
  /** A day as `YYYY-MM-DD`, or empty. */
  from: string;
  /** A day as `YYYY-MM-DD`, or empty. */
  to: string;
}

export const NO_TIMELINE_FILTERS: TimelineFilters = { channel: '', type: '', from: '', to: '' };

export interface TimelineRange {
  from?: string;
  to?: string;
}

const DAY_MS = 86_400_000;

function startOfDay(day: string): Date | undefined {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The chosen days as UTC instants; the API's `to` is exclusive, so the last day counts up to the start of the next. */
export function timelineRange(filters: Pick<TimelineFilters, 'from' | 'to'>): TimelineRange {
  const from = filters.from ? startOfDay(filters.from) : undefined;
  const to = filters.to ? startOfDay(filters.to) : undefined;
  return {
    from: from?.toISOString(),
    to: to ? new Date(to.getTime() + DAY_MS).toISOString() : undefined,
  };
}

import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { TimelineItem, TimelinePage } from '../api/api-types.js';
import { useI18n, useSession } from '../app-context.js';
import { ErrorNote, Loading } from '../components.js';
import { formatDateTime } from '../logic/format.js';
import { NO_TIMELINE_FILTERS, timelineRange, type TimelineFilters } from '../logic/timeline-query.js';

const CHANNELS = ['call-center', 'web', 'mobile-app', 'email', 'store', 'chat', 'social', 'technical-service'];
const TYPES = [
  'purchase',
  'return',
  'call',
  'page-view',
  'email-sent',
  'email-opened',
  'email-clicked',
  'campaign-response',
  'inquiry',
  'suggestion',
  'complaint-opened',
  'complaint-resolved',
  'survey-answered',
  'consent-changed',
  'profile-updated',
  'customer-registered',
];
const ICONS: Record<string, string> = {
  'call-center': '☎',
  web: '🌐',
  'mobile-app': '📱',
  email: '✉',
  store: '🏬',
  chat: '💬',
  social: '👥',
  'technical-service': '🔧',
};

/** Touchpoints newest first, filtered, with older pages fetched as the end of the list comes into view. */
export function Timeline({ customerId, fresh }: { customerId: string; fresh: TimelineItem[] }) {
  const { t, locale } = useI18n();
  const { api } = useSession();
  const [draft, setDraft] = useState<TimelineFilters>(NO_TIMELINE_FILTERS);
  const [filters, setFilters] = useState<TimelineFilters>(NO_TIMELINE_FILTERS);
  const [items, setItems] = useState<TimelineItem[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const inFlight = useRef(false);

  const load = useCallback(
    async (from: string | null | undefined, reset: boolean) => {
      if (inFlight.current) return;
      inFlight.current = true;
      setLoading(true);
      setError(null);
      try {
        const page = await api.get<TimelinePage>(`/v1/customers/${encodeURIComponent(customerId)}/timeline`, {
          channel: filters.channel,
          type: filters.type,
          ...timelineRange(filters),
          limit: 20,
          cursor: from ?? undefined,
        });
        setItems((old) => (reset ? page.items : [...old, ...page.items]));
        setCursor(page.nextCursor);
      } catch (e) {
        setError(e);
      } finally {
        inFlight.current = false;
        setLoading(false);
      }
    },
    [api, customerId, filters],
  );

  useEffect(() => {
    setItems([]);
    setCursor(undefined);
    void load(undefined, true);
  }, [load]);

  useEffect(() => {
    const target = sentinel.current;
    if (!target || !cursor) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void load(cursor, false);
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [cursor, load]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };

  const known = new Set(items.map((i) => i.eventId));
  const shown = [...fresh.filter((f) => !known.has(f.eventId)), ...items];

  return (
    <section aria-labelledby="timeline-heading" className="timeline">
      <h2 id="timeline-heading">{t('timeline.heading')}</h2>
      <form className="filters" onSubmit={apply}>
        <label>
          {t('timeline.channel')}
          <select value={draft.channel} onChange={(e) => setDraft({ ...draft, channel: e.target.value })}>
            <option value="">{t('timeline.all')}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('timeline.type')}
          <select value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })}>
            <option value="">{t('timeline.all')}</option>
            {TYPES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('timeline.from')}
          <input type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </label>
        <label>
          {t('timeline.to')}
          <input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <button type="submit" className="secondary">
          {t('timeline.apply')}
        </button>
      </form>
      <ErrorNote error={error} />
      <ol className="events" aria-busy={loading}>
        {shown.map((item) => (
          <li key={item.eventId} className={fresh.includes(item) ? 'fresh' : undefined}>
            <span className="icon" role="img" aria-label={item.channel} title={item.channel}>
              {ICONS[item.channel] ?? '•'}
            </span>
            <div>
              <div className="summary">{item.summary}</div>
              <div className="muted small">
                <time dateTime={item.occurredAt}>{formatDateTime(item.occurredAt, locale)}</time> · {item.channel} ·{' '}
                {item.type}
                {fresh.includes(item) && <> · {t('timeline.just')}</>}
              </div>
            </div>
          </li>
        ))}
      </ol>
      {loading && <Loading />}
      {!loading && shown.length === 0 && !error && <p className="muted">{t('timeline.empty')}</p>}
      {cursor ? (
        <div ref={sentinel}>
          <button type="button" className="secondary" disabled={loading} onClick={() => void load(cursor, false)}>
            {t('timeline.more')}
          </button>
        </div>
      ) : (
        shown.length > 0 && !loading && <p className="muted small">{t('timeline.end')}</p>
      )}
    </section>
  );
}

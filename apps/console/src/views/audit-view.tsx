import { useCallback, useEffect, useState } from 'react';
import type { CustomerProfile } from '../api/api-types.js';
import { useI18n, useSession } from '../app-context.js';
import { ErrorNote, Loading } from '../components.js';
import { formatDateTime } from '../logic/format.js';
import { CustomerCard } from './customer-card.js';
import { CustomerSearch } from './customer-search.js';

interface HistoryItem {
  eventId: string;
  streamId: string;
  streamRevision: number;
  position: string;
  type: string;
  occurredAt: string | null;
  recordedAt: string;
  channel: string | null;
  actor: { kind?: string; id?: string } | null;
  touchpointId: string | null;
  correlationId: string | null;
  causationId: string | null;
  schemaVersion: number | null;
  data: unknown;
}
interface Verification {
  intact: boolean;
  streams: { streamId: string; events: number; intact: boolean; firstBrokenLink: number | null }[];
  checkedAt: string;
}
interface State {
  asOf: string;
  events: number;
  profile: CustomerProfile;
}

function Verify({ customerId }: { customerId: string }) {
  const { t, locale } = useI18n();
  const { api } = useSession();
  const [result, setResult] = useState<Verification | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.get<Verification>(`/v1/customers/${encodeURIComponent(customerId)}/history/verify`));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const broken = result?.streams.find((s) => !s.intact);
  return (
    <div className="panel">
      <button type="button" onClick={verify} disabled={busy}>
        {t('audit.verify')}
      </button>
      <ErrorNote error={error} />
      {result && (
        <p role="status" className={result.intact ? 'good' : 'bad'}>
          {result.intact
            ? t('audit.intact', {
                events: result.streams.reduce((n, s) => n + s.events, 0),
                streams: result.streams.length,
                at: formatDateTime(result.checkedAt, locale),
              })
            : t('audit.broken', { stream: broken?.streamId ?? '?', link: broken?.firstBrokenLink ?? '?' })}
        </p>
      )}
    </div>
  );
}

/** Slides over the instants at which the history changed, and shows the card as it was at the chosen one. */
function TimeTravel({ customerId, history }: { customerId: string; history: HistoryItem[] }) {
  const { t, locale } = useI18n();
  const { api } = useSession();
  const [by, setBy] = useState<'recorded' | 'occurred'>('recorded');
  const instants = [
    ...new Set(history.map((h) => (by === 'recorded' ? h.recordedAt : (h.occurredAt ?? h.recordedAt)))),
  ].sort();
  const [index, setIndex] = useState(instants.length - 1);
  const [state, setState] = useState<State | null>(null);
  const [error, setError] = useState<unknown>(null);
  const at = instants[Math.min(Math.max(index, 0), instants.length - 1)];

  useEffect(() => setIndex(instants.length - 1), [by, instants.length]);

  useEffect(() => {
    if (!at) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .get<State>(`/v1/customers/${encodeURIComponent(customerId)}/state`, { asOf: at, by }, controller.signal)
        .then(setState, (e: Error) => e.name !== 'AbortError' && setError(e));
    }, 150);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, customerId, at, by]);

  if (!at) return null;
  return (
    <section aria-labelledby="state-heading" className="panel">
      <div className="filters">
        <label>
          {t('audit.by')}
          <select value={by} onChange={(e) => setBy(e.target.value as 'recorded' | 'occurred')}>
            <option value="recorded">{t('audit.recorded')}</option>
            <option value="occurred">{t('audit.occurred')}</option>
          </select>
        </label>
        <label className="grow">
          {t('audit.asOf')}: <output>{formatDateTime(at, locale)}</output>
          <input
            type="range"
            min={0}
            max={instants.length - 1}
            value={Math.min(index, instants.length - 1)}
            aria-valuetext={formatDateTime(at, locale)}
            onChange={(e) => setIndex(Number(e.target.value))}
          />
        </label>
      </div>
      <ErrorNote error={error} />
      <h2 id="state-heading">
        {state ? t('audit.stateHeading', { at: formatDateTime(state.asOf, locale), events: state.events }) : ''}
      </h2>
      {state ? <CustomerCard profile={state.profile} /> : <Loading />}
    </section>
  );
}

/** The auditor's view: raw events with every piece of metadata, the chain check, the card at any instant. */
export function AuditView() {
  const { t, locale } = useI18n();
  const { api } = useSession();
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [items, setItems] = useState<HistoryItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (id: string, from: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api.get<{ items: HistoryItem[]; nextCursor: string | null }>(
          `/v1/customers/${encodeURIComponent(id)}/history`,
          { limit: 200, cursor: from ?? undefined },
        );
        setItems((old) => (from ? [...old, ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (e) {
        setError(e);
      } finally {
        setLoading(false);
      }
    },
    [api],
  );

  useEffect(() => {
    if (customerId) void load(customerId, null);
  }, [customerId, load]);

  return (
    <div className="audit">
      <h1>{t('audit.heading')}</h1>
      <CustomerSearch onFound={setCustomerId} />
      <ErrorNote error={error} />
      {customerId && (
        <>
          <Verify key={customerId} customerId={customerId} />
          {items.length > 0 && (
            <TimeTravel key={`${customerId}:${items.length}`} customerId={customerId} history={items} />
          )}
          <section aria-labelledby="history-heading">
            <h2 id="history-heading">{t('audit.history')}</h2>
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('audit.recordedAt')}</th>
                    <th scope="col">{t('audit.occurredAt')}</th>
                    <th scope="col">{t('audit.type')}</th>
                    <th scope="col">{t('audit.stream')}</th>
                    <th scope="col">{t('audit.channel')}</th>
                    <th scope="col">{t('audit.actor')}</th>
                    <th scope="col">{t('audit.ids')}</th>
                    <th scope="col">{t('audit.data')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((h) => (
                    <tr key={h.eventId}>
                      <td>{formatDateTime(h.recordedAt, locale)}</td>
                      <td>{formatDateTime(h.occurredAt, locale)}</td>
                      <td>{h.type}</td>
                      <td>
                        {h.streamId} #{h.streamRevision}
                        <div className="muted small">pos {h.position}</div>
                      </td>
                      <td>{h.channel ?? '—'}</td>
                      <td>{h.actor ? `${h.actor.kind ?? ''} ${h.actor.id ?? ''}` : '—'}</td>
                      <td className="small mono">
                        event {h.eventId}
                        <br />
                        touchpoint {h.touchpointId ?? '—'}
                        <br />
                        correlation {h.correlationId ?? '—'} · causation {h.causationId ?? '—'} · v
                        {h.schemaVersion ?? '—'}
                      </td>
                      <td>
                        <details>
                          <summary>{t('audit.data')}</summary>
                          <pre>{JSON.stringify(h.data, null, 2)}</pre>
                        </details>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {loading && <Loading />}
            {cursor && !loading && (
              <button type="button" className="secondary" onClick={() => void load(customerId, cursor)}>
                {t('audit.more')}
              </button>
            )}
          </section>
        </>
      )}
    </div>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { useI18n, useSession } from '../app-context.js';
import { ErrorNote, Loading } from '../components.js';
import { formatNumber } from '../logic/format.js';

interface Rebuild {
  state: string;
  eventsDone: number;
  eventsExpected: number;
  etaSeconds: number | null;
  error?: string;
}
interface Projection {
  name: string;
  state: string;
  position: string;
  eventsProjected: number;
  lagSeconds: number | null;
  lastError?: string;
  rebuild: Rebuild | 'interrupted' | null;
}

/** The operator's view: each projection's position, lag and state; rebuilds with live progress. */
export function OperatorView() {
  const { t, locale } = useI18n();
  const { api, permissions } = useSession();
  const [projections, setProjections] = useState<Projection[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<{ name: string; error: unknown } | null>(null);

  const refresh = useCallback(async () => {
    try {
      setProjections((await api.get<{ projections: Projection[] }>('/v1/projections')).projections);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [api]);

  const running = projections?.some((p) => p.rebuild && p.rebuild !== 'interrupted' && p.rebuild.state !== 'done');
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), running ? 1000 : 5000);
    return () => clearInterval(timer);
  }, [refresh, running]);

  const rebuild = async (name: string) => {
    setActionError(null);
    try {
      await api.post(`/v1/projections/${encodeURIComponent(name)}/rebuild`);
      await refresh();
    } catch (e) {
      setActionError({ name, error: e });
    }
  };

  return (
    <div className="operator">
      <h1>{t('ops.heading')}</h1>
      <button type="button" className="secondary" onClick={() => void refresh()}>
        {t('ops.refresh')}
      </button>
      {!permissions.rebuildProjections && <p className="notice">{t('ops.noRebuild')}</p>}
      <ErrorNote error={error} />
      {!projections ? (
        <Loading />
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('ops.name')}</th>
                <th scope="col">{t('ops.state')}</th>
                <th scope="col" className="num">
                  {t('ops.position')}
                </th>
                <th scope="col" className="num">
                  {t('ops.events')}
                </th>
                <th scope="col" className="num">
                  {t('ops.lag')}
                </th>
                <th scope="col">{t('ops.rebuild')}</th>
              </tr>
            </thead>
            <tbody>
              {projections.map((p) => {
                const progress = p.rebuild && p.rebuild !== 'interrupted' ? p.rebuild : null;
                return (
                  <tr key={p.name}>
                    <th scope="row">{p.name}</th>
                    <td>
                      <span className={p.state === 'live' ? 'good' : p.lastError ? 'bad' : 'warn'}>{p.state}</span>
                      {p.lastError && <div className="error small">{p.lastError}</div>}
                    </td>
                    <td className="num mono">{p.position}</td>
                    <td className="num">{formatNumber(p.eventsProjected, locale)}</td>
                    <td className="num">{formatNumber(p.lagSeconds, locale, 1)}</td>
                    <td>
                      {progress && (
                        <div>
                          <progress
                            max={Math.max(progress.eventsExpected, 1)}
                            value={Math.min(progress.eventsDone, Math.max(progress.eventsExpected, 1))}
                            aria-label={t('ops.progress', {
                              name: p.name,
                              done: progress.eventsDone,
                              expected: progress.eventsExpected,
                            })}
                          />
                          <div className="small">
                            {progress.state} · {formatNumber(progress.eventsDone, locale)}/
                            {formatNumber(progress.eventsExpected, locale)}
                          </div>
                          {progress.error && <div className="error small">{progress.error}</div>}
                        </div>
                      )}
                      {p.rebuild === 'interrupted' && <div className="warn small">interrupted</div>}
                      {permissions.rebuildProjections && (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={t('ops.rebuildOf', { name: p.name })}
                          disabled={!!progress && progress.state === 'running'}
                          onClick={() => void rebuild(p.name)}
                        >
                          {t('ops.rebuild')}
                        </button>
                      )}
                      {actionError?.name === p.name && <ErrorNote error={actionError.error} />}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

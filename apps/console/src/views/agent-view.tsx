import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { CrossSell, CustomerProfile, Loyalty, TimelineItem } from '../api/api-types.js';
import { useI18n, useSession } from '../app-context.js';
import { ErrorNote, Loading } from '../components.js';
import { CustomerCard } from './customer-card.js';
import { CustomerSearch } from './customer-search.js';
import { RecordContact } from './record-contact.js';
import { Timeline } from './timeline.js';

interface Customer360 {
  profile: CustomerProfile;
  loyalty: Loyalty;
  crossSell: CrossSell;
}

function CrossSellPanel({ crossSell }: { crossSell: CrossSell }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="cross-sell-heading" className="panel">
      <h2 id="cross-sell-heading">{t('crossSell.heading')}</h2>
      {!crossSell.marketingConsent ? (
        <p className="notice">{crossSell.note}</p>
      ) : crossSell.candidates.length === 0 ? (
        <p className="muted">{t('crossSell.none')}</p>
      ) : (
        <ul className="plain">
          {crossSell.candidates.map((c) => (
            <li key={c.sku}>
              <strong>{c.sku}</strong> <span className="muted">({c.category})</span>
              <div className="small">{c.reason}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function MergePanel({ customerId, onChanged }: { customerId: string; onChanged: () => void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [other, setOther] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const act = (action: 'merge' | 'unmerge') => async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setDone(null);
    try {
      await api.post(`/v1/customers/${encodeURIComponent(customerId)}/${action}`, {
        mergedCustomerId: other.trim(),
        reason: reason.trim(),
      });
      setDone(t('merge.done', { action: `${action} ${other.trim()}` }));
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="merge-heading" className="panel">
      <h2 id="merge-heading">{t('merge.heading')}</h2>
      <form onSubmit={act('merge')} noValidate>
        <label htmlFor="merge-other">{t('merge.other')}</label>
        <input id="merge-other" value={other} onChange={(e) => setOther(e.target.value)} />
        <label htmlFor="merge-reason">{t('merge.reason')}</label>
        <input id="merge-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        <ErrorNote error={error} />
        <div className="row">
          <button type="submit" className="secondary">
            {t('merge.merge')}
          </button>
          <button type="button" className="secondary" onClick={act('unmerge')}>
            {t('merge.unmerge')}
          </button>
        </div>
        {done && <p role="status">{done}</p>}
      </form>
    </section>
  );
}

/** The agent on a call: find the caller, read the 360 card and timeline, record the contact. */
export function AgentView() {
  const { api, permissions } = useSession();
  const { t } = useI18n();
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [data, setData] = useState<Customer360 | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fresh, setFresh] = useState<TimelineItem[]>([]);
  const [version, setVersion] = useState(0);
  const [lastContact, setLastContact] = useState<{ customerId: string } | null>(null);

  const load = useCallback(
    (id: string, signal: AbortSignal) => {
      const path = `/v1/customers/${encodeURIComponent(id)}`;
      Promise.all([
        api.get<CustomerProfile>(path, undefined, signal),
        api.get<Loyalty>(`${path}/loyalty`, undefined, signal),
        api.get<CrossSell>(`${path}/cross-sell`, undefined, signal),
      ]).then(
        ([profile, loyalty, crossSell]) => setData({ profile, loyalty, crossSell }),
        (e: Error) => e.name !== 'AbortError' && setError(e),
      );
    },
    [api],
  );

  // Aborting on change drops an answer for a customer who is no longer the one shown.
  useEffect(() => {
    if (!customerId) return;
    const controller = new AbortController();
    setData(null);
    setError(null);
    setFresh([]);
    load(customerId, controller.signal);
    return () => controller.abort();
  }, [customerId, load, version]);

  // The card follows once the projections have read the new event.
  useEffect(() => {
    if (!customerId || lastContact?.customerId !== customerId) return;
    const controller = new AbortController();
    const timer = setTimeout(() => load(customerId, controller.signal), 1500);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [customerId, lastContact, load]);

  const recorded = (item: TimelineItem) => {
    setFresh((old) => [item, ...old]);
    setLastContact({ customerId: item.customerId });
  };
  const freshForCustomer = fresh.filter((item) => item.customerId === customerId);

  return (
    <div className="agent">
      <h1 className="visually-hidden">{t('view.agent')}</h1>
      <CustomerSearch onFound={(id) => (id === customerId ? setVersion((v) => v + 1) : setCustomerId(id))} />
      <ErrorNote error={error} />
      {customerId && !data && !error && <Loading />}
      {customerId && data && (
        <div className="layout">
          <div className="main-column">
            <CustomerCard profile={data.profile} loyalty={data.loyalty} />
            <Timeline key={`${customerId}:${version}`} customerId={customerId} fresh={freshForCustomer} />
          </div>
          <aside className="side-column">
            {permissions.recordContacts ? (
              <RecordContact customerId={customerId} onRecorded={recorded} />
            ) : (
              <p className="notice">{t('record.notAllowed')}</p>
            )}
            <CrossSellPanel crossSell={data.crossSell} />
            {permissions.mergeCustomers && (
              <MergePanel customerId={customerId} onChanged={() => setVersion((v) => v + 1)} />
            )}
          </aside>
        </div>
      )}
    </div>
  );
}

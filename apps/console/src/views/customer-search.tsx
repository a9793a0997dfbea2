import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiProblem } from '../api/api-client.js';
import type { CustomerMatch } from '../api/api-types.js';
import { useI18n, useSession } from '../app-context.js';
import { ErrorNote } from '../components.js';
import { searchCandidates } from '../logic/customer-search.js';

/** "Search customers": tries what the text most likely is, then the other identifiers it could be. */
export function CustomerSearch({ onFound }: { onFound: (customerId: string) => void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.key !== '/' || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
      event.preventDefault();
      input.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const candidates = searchCandidates(text);
    if (candidates.length === 0) {
      setError(new Error(t('search.empty')));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      for (const candidate of candidates) {
        try {
          const match = await api.get<CustomerMatch>('/v1/customers', { [candidate.kind]: candidate.value });
          onFound(match.customerId);
          return;
        } catch (e) {
          // Not this kind of identifier (404), or not valid as one (400): try the next reading.
          if (!(e instanceof ApiProblem) || (e.status !== 404 && e.status !== 400)) throw e;
        }
      }
      setError(new Error(t('search.notFound')));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="search" role="search" onSubmit={submit} noValidate>
      <label htmlFor="customer-search">{t('search.label')}</label>
      <div className="row">
        <input
          id="customer-search"
          ref={input}
          type="search"
          value={text}
          autoFocus
          autoComplete="off"
          aria-describedby="customer-search-hint customer-search-error"
          aria-invalid={error ? true : undefined}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? t('app.loading') : t('search.submit')}
        </button>
      </div>
      <p className="muted small" id="customer-search-hint">
        {t('search.hint')}
      </p>
      <ErrorNote error={error} id="customer-search-error" />
    </form>
  );
}

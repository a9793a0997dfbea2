import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiClient, ApiProblem, apiKeyStore } from './api/api-client.js';
import { SessionProvider, useI18n, type Session } from './app-context.js';
import { ErrorNote, Loading } from './components.js';
import type { MessageKey } from './i18n/messages.js';
import { permissionsOf, type ConsoleView, type Role } from './logic/permissions.js';
import { AgentView } from './views/agent-view.js';
import { AuditView } from './views/audit-view.js';
import { OperatorView } from './views/operator-view.js';

// The Analytics view carries the chart library: it loads when first opened, not with the console.
const AnalyticsView = lazy(() => import('./views/analytics-view.js').then((m) => ({ default: m.AnalyticsView })));

const BASE = '/console';
const VIEW_LABELS: Record<ConsoleView, MessageKey> = {
  agent: 'view.agent',
  analytics: 'view.analytics',
  audit: 'view.audit',
  operator: 'view.operator',
};

function viewInPath(): ConsoleView | null {
  const name = window.location.pathname.slice(BASE.length).split('/').filter(Boolean)[0];
  return (['agent', 'analytics', 'audit', 'operator'] as const).find((v) => v === name) ?? null;
}

interface KeyOwner {
  name: string;
  role: Role;
}

async function whoIs(api: ApiClient): Promise<KeyOwner> {
  return api.get<KeyOwner>('/v1/api-keys/current');
}

function SignIn({ onSignedIn }: { onSignedIn: (session: Session, key: string) => void }) {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const api = new ApiClient(key.trim());
    try {
      const owner = await whoIs(api);
      onSignedIn({ api, ...owner, permissions: permissionsOf(owner.role) }, key.trim());
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <main id="content" className="sign-in">
      <h1>{t('signIn.heading')}</h1>
      <p className="muted">{t('signIn.intro')}</p>
      <form onSubmit={submit} noValidate>
        <label htmlFor="api-key">{t('signIn.key')}</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          autoFocus
          required
          value={key}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'api-key-error' : undefined}
          onChange={(e) => setKey(e.target.value)}
        />
        <ErrorNote error={error} id="api-key-error" />
        <button type="submit" disabled={busy || key.trim() === ''}>
          {busy ? t('signIn.checking') : t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}

function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <label className="language">
      {t('app.language')}{' '}
      <select value={locale} onChange={(e) => setLocale(e.target.value as 'en' | 'es')}>
        <option value="en">English</option>
        <option value="es">Español</option>
      </select>
    </label>
  );
}

export function App() {
  const { t } = useI18n();
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => apiKeyStore.get() !== null);
  const [restoreError, setRestoreError] = useState<unknown>(null);
  const [view, setView] = useState<ConsoleView | null>(viewInPath);

  useEffect(() => {
    const key = apiKeyStore.get();
    if (!key) return;
    const api = new ApiClient(key);
    whoIs(api)
      .then((owner) => setSession({ api, ...owner, permissions: permissionsOf(owner.role) }))
      .catch((e) => {
        if (e instanceof ApiProblem && e.status === 401) apiKeyStore.clear();
        else setRestoreError(e);
      })
      .finally(() => setRestoring(false));
  }, []);

  useEffect(() => {
    const onPop = () => setView(viewInPath());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const allowed = useMemo(() => session?.permissions.views ?? [], [session]);
  const shown: ConsoleView | null = view && allowed.includes(view) ? view : (allowed[0] ?? null);

  const go = useCallback((next: ConsoleView) => {
    window.history.pushState(null, '', `${BASE}/${next}`);
    setView(next);
  }, []);

  useEffect(() => {
    const main = t(shown ? VIEW_LABELS[shown] : 'signIn.heading');
    document.title = `${main} · ${t('app.title')}`;
  }, [shown, t]);

  const signOut = () => {
    apiKeyStore.clear();
    setSession(null);
  };

  let body;
  if (restoring) body = <Loading />;
  else if (!session) {
    body = (
      <>
        <ErrorNote error={restoreError} />
        <SignIn
          onSignedIn={(s, key) => {
            apiKeyStore.set(key);
            setSession(s);
          }}
        />
      </>
    );
  } else {
    const hidden = session.permissions.hiddenViews.map((v) => t(VIEW_LABELS[v]));
    body = (
      <SessionProvider value={session}>
        <nav aria-label={t('nav.label')} className="views">
          {allowed.map((v) => (
            <a
              key={v}
              href={`${BASE}/${v}`}
              aria-current={v === shown ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                go(v);
              }}
            >
              {t(VIEW_LABELS[v])}
            </a>
          ))}
        </nav>
        {hidden.length > 0 && (
          <p className="notice" role="note">
            {allowed.length === 0
              ? t('app.nothing', { role: session.role })
              : t('app.hidden', { role: session.role, views: hidden.join(', ') })}
          </p>
        )}
        <main id="content" tabIndex={-1}>
          {shown === 'agent' && <AgentView />}
          {shown === 'analytics' && (
            <Suspense fallback={<Loading />}>
              <AnalyticsView />
            </Suspense>
          )}
          {shown === 'audit' && <AuditView />}
          {shown === 'operator' && <OperatorView />}
        </main>
      </SessionProvider>
    );
  }

  return (
    <>
      <a className="skip" href="#content">
        {t('app.skip')}
      </a>
      <header className="top">
        <span className="brand">{t('app.title')}</span>
        <div className="top-right">
          {session && <span className="muted">{t('app.signedInAs', { name: session.name, role: session.role })}</span>}
          <LanguageSwitch />
          {session && (
            <button type="button" className="secondary" onClick={signOut}>
              {t('app.signOut')}
            </button>
          )}
        </div>
      </header>
      {body}
    </>
  );
}

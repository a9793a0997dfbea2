import type { CustomerProfile, Loyalty } from '../api/api-types.js';
import { useI18n } from '../app-context.js';
import { formatDate, formatMoney } from '../logic/format.js';

const LEVEL_CLASS: Record<string, string> = { high: 'bad', medium: 'warn', low: 'good' };

/** The 360 card: who the customer is, how to reach them, what they allow, how they stand. */
export function CustomerCard({ profile, loyalty }: { profile: CustomerProfile; loyalty?: Loyalty | null }) {
  const { t, locale } = useI18n();
  const contact = profile.identities.filter((i) => i.kind === 'email' || i.kind === 'phone');
  return (
    <section className="card" aria-labelledby="card-heading">
      <h2 id="card-heading">
        {profile.profile.name ?? t('card.heading', { id: profile.customerId })}
        <span className={`tier tier-${profile.tier}`}>{profile.tier}</span>
      </h2>
      <p className="muted small">
        {profile.customerId} · {t('card.lifecycle')}: {profile.lifecycle}
        {profile.mergedCustomers.length > 0 && <> · {t('card.merged', { ids: profile.mergedCustomers.join(', ') })}</>}
      </p>
      <div className="grid">
        <div>
          <h3>{t('card.contact')}</h3>
          <dl>
            {contact.map((i) => (
              <div key={`${i.kind}:${i.value}`}>
                <dt>{i.kind}</dt>
                <dd>{i.value}</dd>
              </div>
            ))}
          </dl>
          <h3>{t('card.identities')}</h3>
          <ul className="plain">
            {profile.identities.map((i) => (
              <li key={`${i.kind}:${i.value}`}>
                <span className="muted">{i.kind}</span> {i.value}
              </li>
            ))}
          </ul>
          <h3>{t('card.consent')}</h3>
          {profile.consent.length === 0 ? (
            <p className="muted">{t('card.consentNone')}</p>
          ) : (
            <ul className="plain">
              {profile.consent.map((c) => (
                <li key={`${c.purpose}:${c.channel}`}>
                  {c.purpose} · {c.channel}:{' '}
                  <strong className={c.granted ? 'good' : 'bad'}>
                    {c.granted ? t('card.granted') : t('card.refused')}
                  </strong>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>{t('card.loyalty')}</h3>
          <p className="big">
            {profile.loyalty.score}
            <span className="muted">/100</span>
          </p>
          {loyalty && (
            <ul className="plain bars" aria-label={t('card.components')}>
              {loyalty.components.map((c) => (
                <li key={c.name} title={c.explanation}>
                  <label htmlFor={`component-${c.name}`}>{c.name}</label>
                  <meter id={`component-${c.name}`} min={0} max={100} value={c.score}>
                    {c.score}
                  </meter>
                  <span className="num">{Math.round(c.score)}</span>
                </li>
              ))}
            </ul>
          )}
          <h3>{t('card.churn')}</h3>
          <p>
            <strong className={LEVEL_CLASS[profile.churnRisk.level] ?? ''}>
              {profile.churnRisk.level} ({profile.churnRisk.score}%)
            </strong>
          </p>
          <ul className="small">
            {profile.churnRisk.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
        <div>
          <h3>{t('card.complaints')}</h3>
          {profile.complaints.open.length === 0 ? (
            <p className="muted">{t('card.complaintsNone')}</p>
          ) : (
            <ul className="plain">
              {profile.complaints.open.map((c) => (
                <li key={c.caseId}>
                  <strong>{c.caseId}</strong> {c.category} ({c.severity}) —{' '}
                  <span className={c.ageDays > 14 ? 'bad' : 'warn'}>{t('card.complaintAge', { days: c.ageDays })}</span>
                </li>
              ))}
            </ul>
          )}
          <h3>{t('card.nps')}</h3>
          <p>
            {profile.lastNps ? (
              <>
                <strong className={profile.lastNps.score >= 9 ? 'good' : profile.lastNps.score <= 6 ? 'bad' : 'warn'}>
                  {profile.lastNps.score}
                </strong>{' '}
                <span className="muted">{formatDate(profile.lastNps.at, locale)}</span>
              </>
            ) : (
              <span className="muted">{t('card.npsNone')}</span>
            )}
          </p>
          <h3>{t('card.spend')}</h3>
          <p>
            {formatMoney(profile.purchases.lifetimeSpend, profile.purchases.currency, locale)} · {t('card.orders')}:{' '}
            {profile.purchases.orders}
          </p>
        </div>
      </div>
    </section>
  );
}

import { useState, type FormEvent } from 'react';
import { ApiProblem } from '../api/api-client.js';
import type { TimelineItem } from '../api/api-types.js';
import { useI18n, useSession } from '../app-context.js';
import { ErrorNote } from '../components.js';
import type { MessageKey } from '../i18n/messages.js';
import {
  CONTACT_KINDS,
  EMPTY_CONTACT,
  contactTouchpoint,
  formFieldOf,
  type ContactForm,
} from '../logic/contact-touchpoint.js';

type TextField = Exclude<keyof ContactForm, 'kind' | 'satisfied'>;
const FIELDS_BY_KIND: Record<ContactForm['kind'], TextField[]> = {
  call: ['reason', 'outcome', 'durationMinutes'],
  inquiry: ['subject', 'text'],
  suggestion: ['subject', 'text'],
  'complaint-opened': ['caseId', 'category', 'severity', 'text'],
  'complaint-resolved': ['caseId', 'resolution'],
};
const LABELS: Record<TextField, MessageKey> = {
  reason: 'record.reason',
  outcome: 'record.outcome',
  durationMinutes: 'record.duration',
  subject: 'record.subject',
  text: 'record.text',
  caseId: 'record.caseId',
  category: 'record.category',
  severity: 'record.severity',
  resolution: 'record.resolution',
};

/** Posts the contact as the signed-in agent and hands it to the timeline at once. */
export function RecordContact({
  customerId,
  onRecorded,
}: {
  customerId: string;
  onRecorded: (item: TimelineItem) => void;
}) {
  const { t } = useI18n();
  const { api } = useSession();
  const [form, setForm] = useState<ContactForm>(EMPTY_CONTACT);
  const [touchpointId, setTouchpointId] = useState(() => `console-${crypto.randomUUID()}`);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  const fieldError = (field: keyof ContactForm) =>
    error instanceof ApiProblem ? error.errors.find((e) => formFieldOf(e.field) === field)?.reason : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    const now = new Date();
    const body = contactTouchpoint(form, customerId, touchpointId, now);
    try {
      const answer = await api.post<{ eventId: string }>('/v1/touchpoints', body);
      const detail = Object.values(body.data).filter((v) => typeof v === 'string' && v !== '');
      onRecorded({
        eventId: answer.eventId,
        customerId,
        occurredAt: body.occurredAt,
        channel: body.channel,
        type: body.type,
        summary: `${t(`kind.${form.kind}` as MessageKey)}: ${detail.join(' · ')}`,
        data: body.data,
      });
      setForm({ ...EMPTY_CONTACT, kind: form.kind });
      setTouchpointId(`console-${crypto.randomUUID()}`);
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const fields = FIELDS_BY_KIND[form.kind];
  const allPlaced =
    error instanceof ApiProblem &&
    error.errors.length > 0 &&
    error.errors.every((e) => formFieldOf(e.field) !== undefined);
  return (
    <section aria-labelledby="record-heading" className="panel">
      <h2 id="record-heading">{t('record.heading')}</h2>
      <form onSubmit={submit} noValidate>
        <label htmlFor="contact-kind">{t('record.kind')}</label>
        <select
          id="contact-kind"
          value={form.kind}
          onChange={(e) => {
            setError(null);
            setForm({ ...form, kind: e.target.value as ContactForm['kind'] });
          }}
        >
          {CONTACT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kind.${k}` as MessageKey)}
            </option>
          ))}
        </select>
        {fields.map((field) => {
          const id = `contact-${field}`;
          const problem = fieldError(field);
          const common = {
            id,
            value: form[field],
            'aria-invalid': problem ? true : undefined,
            'aria-describedby': problem ? `${id}-error` : undefined,
          };
          return (
            <div key={field} className="field">
              <label htmlFor={id}>{t(LABELS[field])}</label>
              {field === 'severity' ? (
                <select {...common} onChange={(e) => setForm({ ...form, severity: e.target.value })}>
                  {['low', 'medium', 'high', 'critical'].map((s) => (
                    <option key={s}>{s}</option>
                  ))}
                </select>
              ) : field === 'text' ? (
                <textarea {...common} rows={3} onChange={(e) => setForm({ ...form, text: e.target.value })} />
              ) : (
                <input
                  {...common}
                  inputMode={field === 'durationMinutes' ? 'decimal' : undefined}
                  onChange={(e) => setForm({ ...form, [field]: e.target.value })}
                />
              )}
              {problem && (
                <p className="error" id={`${id}-error`}>
                  {problem}
                </p>
              )}
            </div>
          );
        })}
        {form.kind === 'complaint-resolved' && (
          <div className="field">
            <label htmlFor="contact-satisfied">{t('record.satisfied')}</label>
            <select
              id="contact-satisfied"
              value={form.satisfied}
              onChange={(e) => setForm({ ...form, satisfied: e.target.value as ContactForm['satisfied'] })}
            >
              <option value="">{t('record.unknown')}</option>
              <option value="yes">{t('record.yes')}</option>
              <option value="no">{t('record.no')}</option>
            </select>
          </div>
        )}
        {!allPlaced && <ErrorNote error={error} />}
        <button type="submit" disabled={busy}>
          {busy ? t('record.saving') : t('record.submit')}
        </button>
        {saved && (
          <p className="good" role="status">
            {t('record.saved')}
          </p>
        )}
      </form>
    </section>
  );
}

/** The contacts an agent records from the console, as touchpoints of the public API. */
export type ContactKind = 'call' | 'inquiry' | 'suggestion' | 'complaint-opened' | 'complaint-resolved';

export const CONTACT_KINDS: readonly ContactKind[] = [
  'call',
  'inquiry',
  'suggestion',
  'complaint-opened',
  'complaint-resolved',
];

export interface ContactForm {
  kind: ContactKind;
  reason: string;
  outcome: string;
  durationMinutes: string;
  subject: string;
  text: string;
  caseId: string;
  category: string;
  severity: string;
  resolution: string;
  satisfied: '' | 'yes' | 'no';
}

export const EMPTY_CONTACT: ContactForm = {
  kind: 'call',
  reason: '',
  outcome: '',
  durationMinutes: '',
  subject: '',
  text: '',
  caseId: '',
  category: '',
  severity: 'medium',
  resolution: '',
  satisfied: '',
};

function dataOf(form: ContactForm): Record<string, unknown> {
  switch (form.kind) {
    case 'call': {
      const minutes = Number(form.durationMinutes.replace(',', '.'));
      return {
        reason: form.reason.trim(),
        outcome: form.outcome.trim(),
        durationSeconds: form.durationMinutes.trim() === '' || !Number.isFinite(minutes) ? 0 : Math.round(minutes * 60),
      };
    }
    case 'inquiry':
    case 'suggestion':
      return { subject: form.subject.trim(), text: form.text.trim() };
    case 'complaint-opened':
      return {
        caseId: form.caseId.trim(),
        category: form.category.trim(),
        severity: form.severity,
        text: form.text.trim(),
      };
    case 'complaint-resolved':
      return {
        caseId: form.caseId.trim(),
        resolution: form.resolution.trim(),
        ...(form.satisfied === '' ? {} : { satisfied: form.satisfied === 'yes' }),
      };
  }
}

/**
 * The body of POST /v1/touchpoints for a contact taken in the call center now. The touchpoint id is the
 * idempotency key: a retried submit of the same form is stored once. The API records the agent as actor.
 */
export function contactTouchpoint(form: ContactForm, customerId: string, touchpointId: string, now: Date) {
  return {
    touchpointId,
    channel: 'call-center',
    type: form.kind,
    occurredAt: now.toISOString(),
    customer: { customerId },
    data: dataOf(form),
  };
}

/** Where a field of the API's error answer (`data.reason`) sits in the form. */
export function formFieldOf(apiField: string): keyof ContactForm | undefined {
  const name = apiField.replace(/^data\./, '');
  const map: Record<string, keyof ContactForm> = {
    reason: 'reason',
    outcome: 'outcome',
    durationSeconds: 'durationMinutes',
    subject: 'subject',
    text: 'text',
    caseId: 'caseId',
    category: 'category',
    severity: 'severity',
    resolution: 'resolution',
    satisfied: 'satisfied',
  };
  return map[name];
}

import { MESSAGES, translate } from '../i18n/messages.js';
import { contactTouchpoint, EMPTY_CONTACT, formFieldOf } from './contact-touchpoint.js';
import { permissionsOf } from './permissions.js';

describe('what each role sees', () => {
  it('an analyst sees analytics and operations, and may not record contacts', () => {
    const analyst = permissionsOf('analyst');
    expect(analyst.views).toEqual(['analytics', 'operator']);
    expect(analyst.hiddenViews).toEqual(['agent', 'audit']);
    expect(analyst.recordContacts).toBe(false);
  });

  it('an agent records contacts and merges, and only an admin rebuilds', () => {
    expect(permissionsOf('agent')).toMatchObject({ views: ['agent'], recordContacts: true, mergeCustomers: true });
    expect(permissionsOf('agent').rebuildProjections).toBe(false);
    expect(permissionsOf('admin').rebuildProjections).toBe(true);
  });

  it('a channel key sees no view', () => {
    expect(permissionsOf('channel').views).toEqual([]);
  });
});

describe('recording a contact', () => {
  const now = new Date('2026-11-02T10:00:00Z');

  it('a call becomes a call-center touchpoint with its duration in seconds', () => {
    const body = contactTouchpoint(
      { ...EMPTY_CONTACT, kind: 'call', reason: ' delivery ', outcome: 'resolved', durationMinutes: '4,5' },
      'c-1',
      'console-1',
      now,
    );
    expect(body).toEqual({
      touchpointId: 'console-1',
      channel: 'call-center',
      type: 'call',
      occurredAt: '2026-11-02T10:00:00.000Z',
      customer: { customerId: 'c-1' },
      data: { reason: 'delivery', outcome: 'resolved', durationSeconds: 270 },
    });
  });

  it('a resolved complaint says whether the customer was satisfied only when asked', () => {
    const unknown = contactTouchpoint({ ...EMPTY_CONTACT, kind: 'complaint-resolved', caseId: 'k' }, 'c', 't', now);
    expect(unknown.data).toEqual({ caseId: 'k', resolution: '' });
    const happy = contactTouchpoint(
      { ...EMPTY_CONTACT, kind: 'complaint-resolved', caseId: 'k', satisfied: 'yes' },
      'c',
      't',
      now,
    );
    expect(happy.data).toMatchObject({ satisfied: true });
  });

  it('places the API’s field errors on the form fields', () => {
    expect(formFieldOf('data.subject')).toBe('subject');
    expect(formFieldOf('data.durationSeconds')).toBe('durationMinutes');
    expect(formFieldOf('customer')).toBeUndefined();
  });
});

describe('the two languages', () => {
  it('Spanish has a text for every English one, with the same placeholders', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(MESSAGES.en)) {
      const spanish = MESSAGES.es[key as keyof typeof MESSAGES.en];
      expect(spanish).toBeTruthy();
      expect(placeholders(spanish)).toEqual(placeholders(text));
    }
  });

  it('fills placeholders', () => {
    expect(translate('es', 'card.complaintAge', { days: 3 })).toBe('3 días abierta');
  });
});

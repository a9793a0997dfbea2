import { forgetEvent, joinPersonalData, redactPersonalData, REDACTED, splitPersonalData } from './personal-data.js';

describe('personal data of events', () => {
  it('splits the personal fields of a registration from what stays readable, and joins them back', () => {
    const data = { customerId: 'c-1', name: 'Ana', address: { city: 'Sevilla' }, interests: ['running'] };
    const { open, personal } = splitPersonalData('CustomerRegistered', data);
    expect(open).toEqual({ customerId: 'c-1' });
    expect(personal).toEqual({ name: 'Ana', address: { city: 'Sevilla' }, interests: ['running'] });
    expect(joinPersonalData(open, personal!)).toEqual(data);
  });

  it('keeps amounts, products, categories and a source system customer id readable', () => {
    const purchase = { customerId: 'c-1', orderId: 'o-1', currency: 'EUR', lines: [] };
    expect(splitPersonalData('PurchaseMade', purchase)).toEqual({ open: purchase });
    const link = { customerId: 'c-1', kind: 'customerId', value: 'crm-9' };
    expect(splitPersonalData('IdentityLinked', link)).toEqual({ open: link });
    const complaint = { customerId: 'c-1', caseId: 'k', category: 'delivery', severity: 'high', text: 'late' };
    expect(splitPersonalData('ComplaintOpened', complaint)).toEqual({
      open: { customerId: 'c-1', caseId: 'k', category: 'delivery', severity: 'high' },
      personal: { text: 'late' },
    });
  });

  it('hides e-mails and phones of identity links, and only the fields an event has', () => {
    const { personal } = splitPersonalData('IdentityLinked', { customerId: 'c-1', kind: 'email', value: 'a@b.c' });
    expect(personal).toEqual({ value: 'a@b.c' });
    expect(splitPersonalData('SurveyAnswered', { surveyId: 's', nps: 9 }).personal).toBeUndefined();
  });

  it('redacts each personal field the event had', () => {
    expect(redactPersonalData({ customerId: 'c-1' }, ['name', 'address'])).toEqual({
      customerId: 'c-1',
      name: REDACTED,
      address: REDACTED,
    });
  });

  it('tells a forget once per customer, in its own stream', () => {
    const context = { occurredAt: '2026-11-23T10:00:00.000Z' };
    const first = forgetEvent('c-1', 'erasure request', context);
    expect(first).toMatchObject({ streamId: 'customer-c-1', event: { type: 'CustomerForgotten' } });
    expect(forgetEvent('c-1', 'asked again', context).eventId).toBe(first.eventId);
    expect(forgetEvent('c-2', 'erasure request', context).eventId).not.toBe(first.eventId);
  });
});

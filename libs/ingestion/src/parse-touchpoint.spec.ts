import { TOUCHPOINT_TYPES, type TouchpointType } from '@c360/domain';
import { parseTouchpoint, type FieldError, type ParsedTouchpoint } from './parse-touchpoint.js';

/** A valid `data` for every touchpoint type: the Record type makes a new type fail to compile until added here. */
const VALID_DATA: Record<TouchpointType, Record<string, unknown>> = {
  purchase: {
    orderId: 'o-1',
    currency: 'EUR',
    lines: [{ sku: 'SKU-1', category: 'shoes', quantity: 2, unitPrice: 59.9, unitCost: 30 }],
  },
  return: { orderId: 'o-1', lines: [{ sku: 'SKU-1', quantity: 1 }], reason: 'too small' },
  call: { reason: 'delivery', durationSeconds: 240, outcome: 'resolved' },
  'page-view': { url: '/products/SKU-2', sessionId: 's-1', productSku: 'SKU-2' },
  'email-sent': { campaignId: 'camp-1' },
  'email-opened': { campaignId: 'camp-1' },
  'email-clicked': { campaignId: 'camp-1', url: 'https://shop.example/sale' },
  'campaign-response': { campaignId: 'camp-1', response: 'accepted' },
  inquiry: { subject: 'Opening hours', text: 'When do you open on Sunday?' },
  suggestion: { subject: 'Parking', text: 'More bike racks, please' },
  'complaint-opened': { caseId: 'case-1', category: 'delivery', severity: 'high', text: 'Parcel never arrived' },
  'complaint-resolved': { caseId: 'case-1', resolution: 'refund', satisfied: true },
  'survey-answered': { surveyId: 'nps-q4', nps: 9, comment: 'great' },
  'consent-changed': { purpose: 'marketing', channel: 'email', granted: false },
  'profile-updated': { name: 'Ana', address: { city: 'Madrid', country: 'ES' }, interests: ['running'] },
  'customer-registered': { name: 'Ana', birthDate: '1980-04-12' },
};

function aBody(type: TouchpointType = 'purchase', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    touchpointId: 'tp-000123',
    channel: 'store',
    type,
    occurredAt: '2026-11-01T10:00:00Z',
    customer: { customerId: 'c-42' },
    data: VALID_DATA[type],
    ...overrides,
  };
}

function errorsOf(result: ParsedTouchpoint): FieldError[] {
  if (result.ok) throw new Error('expected the touchpoint to be rejected, but it was accepted');
  return result.errors;
}

function fieldsOf(result: ParsedTouchpoint): string[] {
  return errorsOf(result).map((e) => e.field);
}

describe('parseTouchpoint', () => {
  describe('given a valid body', () => {
    it('covers every touchpoint type', () => {
      expect(Object.keys(VALID_DATA).sort()).toEqual([...TOUCHPOINT_TYPES].sort());
    });

    it.each(TOUCHPOINT_TYPES)('when a %p touchpoint is parsed, then it is accepted as sent', (type) => {
      const body = aBody(type);
      const result = parseTouchpoint(body, 'ES');
      expect(result).toEqual({ ok: true, touchpoint: body, identifiers: [{ kind: 'customerId', value: 'c-42' }] });
    });

    it('when it names the customer by a national phone number, then it is accepted', () => {
      const result = parseTouchpoint(aBody('call', { customer: { phone: '600 12 34 56' } }), 'ES');
      expect(result.ok).toBe(true);
      expect(result.ok && result.identifiers).toEqual([{ kind: 'phone', value: '+34600123456' }]);
    });

    it('when it carries actor, correlationId and causationId, then it is accepted', () => {
      const body = aBody('call', { actor: { kind: 'agent', id: 'agent-7' }, correlationId: 'k-1', causationId: 'k-0' });
      expect(parseTouchpoint(body, 'ES').ok).toBe(true);
    });

    it('when occurredAt has an offset instead of Z, then it is accepted', () => {
      expect(parseTouchpoint(aBody('call', { occurredAt: '2026-11-01T10:00:00+01:00' }), 'ES').ok).toBe(true);
    });
  });

  describe('given a body that is not a JSON object', () => {
    it.each([null, 'purchase', 42, [aBody()]])('when %p is parsed, then it is rejected as a whole', (body) => {
      expect(errorsOf(parseTouchpoint(body, 'ES'))).toEqual([
        { field: '', reason: 'a touchpoint must be a JSON object' },
      ]);
    });
  });

  describe('given an envelope problem', () => {
    it('when the channel is unknown, then the error names the channel and the value sent', () => {
      const errors = errorsOf(parseTouchpoint(aBody('purchase', { channel: 'fax' }), 'ES'));
      expect(errors).toHaveLength(1);
      expect(errors[0]!.field).toBe('channel');
      expect(errors[0]!.reason).toContain('channel "fax" is unknown');
      expect(errors[0]!.reason).toContain('call-center');
    });

    it('when the type is unknown, then the error names the type and the value sent', () => {
      const errors = errorsOf(parseTouchpoint(aBody('purchase', { type: 'teleport' }), 'ES'));
      expect(errors).toHaveLength(1);
      expect(errors[0]!.field).toBe('type');
      expect(errors[0]!.reason).toContain('type "teleport" is unknown');
      expect(errors[0]!.reason).toContain('purchase');
    });

    it('when the touchpointId is missing, then it is reported once as required', () => {
      const { touchpointId: _dropped, ...body } = aBody();
      expect(errorsOf(parseTouchpoint(body, 'ES'))).toEqual([
        { field: 'touchpointId', reason: 'touchpointId is required' },
      ]);
    });

    it('when the touchpointId contains a space, then it is rejected', () => {
      expect(fieldsOf(parseTouchpoint(aBody('purchase', { touchpointId: 'pos 1' }), 'ES'))).toEqual(['touchpointId']);
    });

    it('when occurredAt has no time zone, then it is rejected', () => {
      const errors = errorsOf(parseTouchpoint(aBody('purchase', { occurredAt: '2026-11-01T10:00:00' }), 'ES'));
      expect(errors.map((e) => e.field)).toContain('occurredAt');
      expect(errors.every((e) => e.field === 'occurredAt')).toBe(true);
    });

    it('when occurredAt is a date without a time, then it is rejected', () => {
      expect(fieldsOf(parseTouchpoint(aBody('purchase', { occurredAt: '2026-11-01' }), 'ES'))).toContain('occurredAt');
    });

    it('when occurredAt is not a date at all, then it is rejected', () => {
      expect(fieldsOf(parseTouchpoint(aBody('purchase', { occurredAt: 'yesterday' }), 'ES'))).toContain('occurredAt');
    });

    // ISO 8601 forms a JavaScript Date cannot read would fail later, when the event is built.
    it.each(['2026-11-01T10Z', '2026-W44-1T10:00:00Z', '2026-305T10:00:00Z'])(
      'when occurredAt is %p, which a JavaScript Date cannot read, then it is rejected',
      (occurredAt) => {
        expect(fieldsOf(parseTouchpoint(aBody('purchase', { occurredAt }), 'ES'))).toContain('occurredAt');
      },
    );

    it('when an unknown top-level field is sent, then it is reported as not known', () => {
      expect(errorsOf(parseTouchpoint(aBody('purchase', { priority: 'high' }), 'ES'))).toEqual([
        { field: 'priority', reason: 'priority is not a known field' },
      ]);
    });

    it('when data is missing, then it is reported as required', () => {
      const { data: _dropped, ...body } = aBody();
      expect(errorsOf(parseTouchpoint(body, 'ES'))).toEqual([{ field: 'data', reason: 'data is required' }]);
    });

    it('when the actor kind is unknown, then the nested field is named', () => {
      const body = aBody('call', { actor: { kind: 'robot', id: 'r-1' } });
      expect(fieldsOf(parseTouchpoint(body, 'ES'))).toEqual(['actor.kind']);
    });
  });

  describe('given a data problem', () => {
    it('when a purchase line has no sku, then "data.lines.0.sku is required" is reported once', () => {
      const data = { orderId: 'o-1', currency: 'EUR', lines: [{ category: 'shoes', quantity: 1, unitPrice: 5 }] };
      expect(errorsOf(parseTouchpoint(aBody('purchase', { data }), 'ES'))).toEqual([
        { field: 'data.lines.0.sku', reason: 'data.lines.0.sku is required' },
      ]);
    });

    it('when the second purchase line is wrong, then the error points at index 1', () => {
      const data = {
        orderId: 'o-1',
        currency: 'EUR',
        lines: [
          { sku: 'A', category: 'x', quantity: 1, unitPrice: 5 },
          { sku: 'B', category: 'x', quantity: 0, unitPrice: 5 },
        ],
      };
      expect(fieldsOf(parseTouchpoint(aBody('purchase', { data }), 'ES'))).toEqual(['data.lines.1.quantity']);
    });

    it('when data has an unknown field, then it is reported as not a known field', () => {
      const data = { ...VALID_DATA.call, colour: 'red' };
      expect(errorsOf(parseTouchpoint(aBody('call', { data }), 'ES'))).toEqual([
        { field: 'data.colour', reason: 'data.colour is not a known field' },
      ]);
    });

    it('when an enum field has a value outside it, then the field is named', () => {
      const data = { ...VALID_DATA['complaint-opened'], severity: 'apocalyptic' };
      expect(fieldsOf(parseTouchpoint(aBody('complaint-opened', { data }), 'ES'))).toEqual(['data.severity']);
    });

    it('when the currency is not ISO 4217, then data.currency is reported', () => {
      const data = { ...VALID_DATA.purchase, currency: 'EURO' };
      expect(fieldsOf(parseTouchpoint(aBody('purchase', { data }), 'ES'))).toEqual(['data.currency']);
    });

    it('when an NPS is out of range, then data.nps is reported', () => {
      const data = { ...VALID_DATA['survey-answered'], nps: 11 };
      expect(fieldsOf(parseTouchpoint(aBody('survey-answered', { data }), 'ES'))).toEqual(['data.nps']);
    });

    it('when the data of another type is sent, then the missing fields of this type are reported', () => {
      const body = aBody('call', { data: VALID_DATA.inquiry });
      expect(fieldsOf(parseTouchpoint(body, 'ES')).sort()).toEqual(
        ['data.durationSeconds', 'data.outcome', 'data.reason', 'data.subject', 'data.text'].sort(),
      );
    });
  });

  describe('given a customer problem', () => {
    it('when the customer has no identifier, then field "customer" says how to name one', () => {
      const errors = errorsOf(parseTouchpoint(aBody('purchase', { customer: {} }), 'ES'));
      expect(errors).toHaveLength(1);
      expect(errors[0]!.field).toBe('customer');
      expect(errors[0]!.reason).toContain('customerId');
    });

    it('when the customer only has empty identifiers, then field "customer" is reported', () => {
      expect(fieldsOf(parseTouchpoint(aBody('purchase', { customer: { email: '', phone: '' } }), 'ES'))).toEqual([
        'customer',
      ]);
    });

    it('when the customer is missing, then it is reported as required', () => {
      const { customer: _dropped, ...body } = aBody();
      expect(errorsOf(parseTouchpoint(body, 'ES'))).toEqual([{ field: 'customer', reason: 'customer is required' }]);
    });

    it('when the e-mail is invalid, then field "customer.email" is reported', () => {
      const errors = errorsOf(parseTouchpoint(aBody('purchase', { customer: { email: 'not-an-email' } }), 'ES'));
      expect(errors).toEqual([{ field: 'customer.email', reason: 'customer.email is not an e-mail address' }]);
    });

    it('when the phone is impossible, then field "customer.phone" is reported', () => {
      expect(fieldsOf(parseTouchpoint(aBody('purchase', { customer: { phone: '12' } }), 'ES'))).toEqual([
        'customer.phone',
      ]);
    });

    it('when the customer has an unknown identifier kind, then it is reported as not known', () => {
      const body = aBody('purchase', { customer: { customerId: 'c-42', passport: 'X123' } });
      expect(errorsOf(parseTouchpoint(body, 'ES'))).toEqual([
        { field: 'customer.passport', reason: 'customer.passport is not a known field' },
      ]);
    });

    // A field merely named like "customerNote" must not switch off the identifier check.
    it('when an unknown field named like "customerNote" is also sent, then the invalid e-mail is still reported', () => {
      const body = aBody('purchase', { customerNote: 'VIP', customer: { email: 'not-an-email' } });
      expect(fieldsOf(parseTouchpoint(body, 'ES')).sort()).toEqual(['customer.email', 'customerNote']);
    });
  });

  describe('given several problems at once', () => {
    it('when parsed, then every problem is reported, not only the first', () => {
      const body = aBody('purchase', {
        channel: 'fax',
        occurredAt: '2026-11-01T10:00:00',
        data: { orderId: 'o-1', currency: 'EUR', lines: [{ category: 'x', quantity: 1, unitPrice: 5 }], colour: 'red' },
      });
      const fields = fieldsOf(parseTouchpoint(body, 'ES'));
      expect(fields).toEqual(expect.arrayContaining(['channel', 'occurredAt', 'data.lines.0.sku', 'data.colour']));
    });

    it('when envelope and identifier are both wrong, then both are reported', () => {
      const body = aBody('purchase', { type: 'teleport', customer: { email: 'not-an-email' } });
      expect(fieldsOf(parseTouchpoint(body, 'ES')).sort()).toEqual(['customer.email', 'type']);
    });
  });
});

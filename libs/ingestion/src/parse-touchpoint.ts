import { identifiersOf, InvalidIdentifier, type Identifier, type Touchpoint, type TouchpointType } from '@c360/domain';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { CountryCode } from 'libphonenumber-js';
import { DATA_DTO_OF_TYPE } from './touchpoint-data.dto.js';
import { TouchpointDto } from './touchpoint.dto.js';

export interface FieldError {
  field: string;
  reason: string;
}

/** A touchpoint that passed validation, with its customer's identifiers already normalised (once, here). */
export interface ValidTouchpoint {
  touchpoint: Touchpoint;
  identifiers: Identifier[];
}

export type ParsedTouchpoint = ({ ok: true } & ValidTouchpoint) | { ok: false; errors: FieldError[] };

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

function flatten(errors: ValidationError[], prefix: string, into: FieldError[]): FieldError[] {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const rules = Object.entries(error.constraints ?? {});
    if (error.value === undefined && rules.length > 0) {
      into.push({ field, reason: `${field} is required` });
    } else {
      for (const [rule, message] of rules) {
        const reason =
          rule === 'whitelistValidation'
            ? `${field} is not a known field`
            : message.startsWith(`${error.property} `)
              ? `${field}${message.slice(error.property.length)}`
              : message;
        into.push({ field, reason });
      }
    }
    if (error.children?.length) flatten(error.children, field, into);
  }
  return into;
}

const MAX_DEPTH = 16;
/** PostgreSQL's jsonb cannot hold NUL, and an unpaired surrogate is not Unicode. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What class-validator does not see: keys named like Object.prototype members (class-transformer skips
 * them), text that cannot be stored, and nesting deep enough to exhaust the stack.
 */
function screen(value: unknown, path: string, depth: number, into: FieldError[]): FieldError[] {
  if (into.length >= 20) return into;
  const name = path || 'the touchpoint';
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value))
      into.push({ field: path, reason: `${name} contains a NUL or an unpaired surrogate, which cannot be stored` });
    return into;
  }
  if (typeof value !== 'object' || value === null) return into;
  if (depth > MAX_DEPTH) {
    into.push({ field: path, reason: `${name} is nested more than ${MAX_DEPTH} levels deep` });
    return into;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => screen(item, path ? `${path}.${i}` : String(i), depth + 1, into));
    return into;
  }
  for (const [key, item] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (key in Object.prototype || UNSTORABLE.test(key)) into.push({ field, reason: `${field} is not a known field` });
    else screen(item, field, depth + 1, into);
  }
  return into;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates one touchpoint from any channel: the envelope, then `data` against its type, then the
 * customer's identifiers. Every problem is reported with its field, not only the first.
 */
export function parseTouchpoint(body: unknown, defaultPhoneCountry?: CountryCode): ParsedTouchpoint {
  if (!isPlainObject(body)) return { ok: false, errors: [{ field: '', reason: 'a touchpoint must be a JSON object' }] };
  const unsafe = screen(body, '', 0, []);
  if (unsafe.length > 0) return { ok: false, errors: unsafe };
  const envelope = plainToInstance(TouchpointDto, body);
  const errors = flatten(validateSync(envelope, OPTIONS), '', []);

  const dataClass = DATA_DTO_OF_TYPE[body.type as TouchpointType];
  if (dataClass && isPlainObject(body.data)) {
    flatten(validateSync(plainToInstance(dataClass, body.data), OPTIONS), 'data', errors);
  }

  const customer = isPlainObject(body.customer) ? body.customer : undefined;
  let identifiers: Identifier[] | undefined;
  if (customer && !errors.some((e) => e.field === 'customer' || e.field.startsWith('customer.'))) {
    try {
      identifiers = identifiersOf(customer, defaultPhoneCountry);
    } catch (error) {
      if (!(error instanceof InvalidIdentifier)) throw error;
      errors.push({
        field: error.reason.includes('required') ? 'customer' : `customer.${error.kind}`,
        reason: error.reason.includes('required')
          ? 'customer must name the customer by customerId, email, phone, loyaltyCardId or anonymousId'
          : `customer.${error.kind} ${error.reason}`,
      });
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, touchpoint: body as unknown as Touchpoint, identifiers: identifiers! };
}

// Realistic touchpoints for the bench: the simulator's generator (purchases over months, calls, complaints
// opened and resolved, e-mail campaigns, surveys, many channels), plus the identities channels send
// (e-mails and phones, always the same ones for one customer) and marketing consents.
import path from 'node:path';
import { root } from '../../scripts/ensure-installed.mjs';

const { touchpointTraffic } = await import(path.join(root, 'dist/libs/messaging/src/index.js'));
const { eventIdForTouchpoint } = await import(path.join(root, 'dist/libs/domain/src/index.js'));

export { eventIdForTouchpoint };

const customerNumber = (customerId) => Number(customerId.slice(customerId.lastIndexOf('-') + 1));

/** A stream of touchpoints about `customers` customers (ids `sim-0`…), about a minute apart from `startAt`. */
export function* benchTraffic({
  customers,
  runId,
  seed = 360,
  startAt = new Date(Date.UTC(2024, 0, 1)),
  identities = true,
}) {
  let n = 0;
  for (const touchpoint of touchpointTraffic({ customers, runId, seed, startAt })) {
    n++;
    if (!identities) {
      yield touchpoint;
      continue;
    }
    const c = customerNumber(touchpoint.customer.customerId);
    if (n % 10 === 3) touchpoint.customer.email = `customer.${c}@example.com`;
    else if (n % 10 === 7) touchpoint.customer.phone = `+346${String(c).padStart(8, '0')}`;
    if (n % 40 === 11) {
      yield {
        touchpointId: `${touchpoint.touchpointId}-consent`,
        occurredAt: touchpoint.occurredAt,
        customer: { customerId: touchpoint.customer.customerId },
        channel: 'web',
        type: 'consent-changed',
        data: { purpose: 'marketing', channel: 'email', granted: c % 5 !== 0 },
      };
    }
    yield touchpoint;
  }
}

/** The next `count` touchpoints of a stream, as an array. */
export function take(traffic, count) {
  const out = [];
  for (let i = 0; i < count; i++) out.push(traffic.next().value);
  return out;
}

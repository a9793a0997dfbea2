import { parseTouchpoint } from '@c360/ingestion';
import { touchpointTraffic } from './touchpoint-traffic.js';

function take(n: number, options: Parameters<typeof touchpointTraffic>[0]) {
  const traffic = touchpointTraffic(options);
  return Array.from({ length: n }, () => traffic.next().value!);
}

describe('simulated channel traffic', () => {
  const sample = take(3000, { customers: 40, runId: 'spec', seed: 7 });

  it('given any seed, every touchpoint it makes passes the same validation as the ingestion edge', () => {
    const invalid = sample.map((t) => parseTouchpoint(t, 'ES')).filter((p) => !p.ok);
    expect(invalid).toEqual([]);
  });

  it('covers every channel of the story: web, store, call center, e-mail, with complaints opened and resolved', () => {
    const kinds = new Set(sample.map((t) => `${t.channel}:${t.type}`));
    for (const kind of [
      'web:page-view',
      'store:purchase',
      'call-center:call',
      'email:email-opened',
      'email:campaign-response',
      'web:survey-answered',
    ]) {
      expect(kinds).toContain(kind);
    }
    const types = new Set(sample.map((t) => t.type));
    expect(types).toContain('complaint-opened');
    expect(types).toContain('complaint-resolved');
  });

  it('given the same seed and run id, it replays the same touchpoints; another run id gives other ids', () => {
    expect(take(50, { customers: 40, runId: 'spec', seed: 7 })).toEqual(sample.slice(0, 50));
    const other = take(50, { customers: 40, runId: 'other', seed: 7 });
    expect(other.map((t) => t.touchpointId)).not.toEqual(sample.slice(0, 50).map((t) => t.touchpointId));
  });

  it('keeps to the number of customers asked for, and time moves forward', () => {
    expect(new Set(sample.map((t) => t.customer.customerId)).size).toBeLessThanOrEqual(40);
    const times = sample.map((t) => String(t.occurredAt));
    expect(times).toEqual([...times].sort());
  });
});

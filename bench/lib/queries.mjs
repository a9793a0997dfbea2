// Query latency at concurrency 16 over real customer ids: each endpoint warmed up, then measured with autocannon.
import { cannon, cannonFigures } from './http-legs.mjs';

/** The endpoints measured; `{id}` is replaced by a real customer id per request. */
export function queryEndpoints({ from, to }) {
  return [
    { name: 'timeline page', path: '/v1/customers/{id}/timeline?limit=50' },
    { name: '360 profile', path: '/v1/customers/{id}' },
    { name: 'loyalty', path: '/v1/customers/{id}/loyalty' },
    { name: 'cross-sell', path: '/v1/customers/{id}/cross-sell' },
    { name: 'analytics ranking (top by loyalty)', path: '/v1/analytics/top?by=loyalty&limit=50' },
    { name: 'KPIs (monthly)', path: `/v1/analytics/kpis?period=month&from=${from}&to=${to}` },
    { name: 'cohorts', path: '/v1/analytics/cohorts' },
    { name: 'survival', path: '/v1/analytics/survival' },
    { name: 'service impact', path: '/v1/analytics/service-impact' },
  ];
}

export async function measureQuery({ port, apiKey, endpoint, customerIds, seconds, warmUpSeconds, connections = 16 }) {
  let i = 0;
  const nextPath = () => endpoint.path.replace('{id}', encodeURIComponent(customerIds[i++ % customerIds.length]));
  if (warmUpSeconds > 0) await cannon({ port, apiKey, seconds: warmUpSeconds, connections, nextPath });
  const timed = await cannon({ port, apiKey, seconds, connections, nextPath });
  if (timed.requests.total >= 2 * connections) return { ...cannonFigures(timed, endpoint.name), measuredOn: 'time' };
  // Slower than the timed window allows: each connection sends a fixed number of requests instead.
  const counted = await cannon({ port, apiKey, amount: 2 * connections, connections, nextPath });
  return { ...cannonFigures(counted, endpoint.name), measuredOn: `${2 * connections} requests` };
}

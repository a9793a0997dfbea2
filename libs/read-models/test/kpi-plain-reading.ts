import { DAY_MS, type CustomerDay, type CustomerHistory } from '@c360/domain';
import type { DataSource } from 'typeorm';

/** The plain reading the month summaries replace: every fact up to `asOf`, summed per customer as shown and day. */
export async function historiesFromFacts(dataSource: DataSource, asOf: number): Promise<CustomerHistory[]> {
  const rows = (await dataSource.query(
    `SELECT coalesce(c.root_id, f.customer_id) AS customer, date_part('epoch', f.occurred_at) * 1000 AS at,
            f.orders, f.revenue::float8 AS revenue, f.costed_revenue::float8 AS costed, f.cost::float8 AS cost
       FROM c360_kpi_purchases f LEFT JOIN c360_customers c ON c.customer_id = f.customer_id
      WHERE f.occurred_at <= $1 ORDER BY 1, 2`,
    [new Date(asOf)],
  )) as { customer: string; at: number; orders: number; revenue: number; costed: number; cost: number }[];
  const channels = (await dataSource.query(
    `SELECT DISTINCT ON (coalesce(c.root_id, f.customer_id)) coalesce(c.root_id, f.customer_id) AS customer, f.channel
       FROM c360_kpi_first_touchpoints f LEFT JOIN c360_customers c ON c.customer_id = f.customer_id
      WHERE f.occurred_at <= $1 ORDER BY 1, f.occurred_at, f.channel`,
    [new Date(asOf)],
  )) as { customer: string; channel: string }[];
  const histories = new Map<string, Map<number, CustomerDay>>();
  for (const r of rows) {
    const day = Math.floor(r.at / DAY_MS) * DAY_MS;
    const days = histories.get(r.customer) ?? new Map<number, CustomerDay>();
    histories.set(r.customer, days);
    const d = days.get(day) ?? {
      day,
      firstPurchaseAt: null,
      lastPurchaseAt: null,
      orders: 0,
      revenue: 0,
      costedRevenue: 0,
      cost: 0,
    };
    days.set(day, d);
    d.orders += r.orders;
    d.revenue += r.revenue;
    d.costedRevenue += r.costed;
    d.cost += r.cost;
    if (r.orders > 0) {
      d.firstPurchaseAt = Math.min(d.firstPurchaseAt ?? r.at, r.at);
      d.lastPurchaseAt = Math.max(d.lastPurchaseAt ?? r.at, r.at);
    }
  }
  const channelOf = new Map(channels.map((c) => [c.customer, c.channel]));
  return [...histories.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([customerId, days]) => ({
      customerId,
      days: [...days.values()].sort((a, b) => a.day - b.day),
      firstChannel: channelOf.get(customerId) ?? null,
    }));
}

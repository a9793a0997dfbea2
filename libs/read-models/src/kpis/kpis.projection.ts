import type { RecordedEvent } from '@c360/event-store';
import type { Projection } from '@c360/projections';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  kpiLivesDeleteSql,
  kpiLivesInsertSql,
  kpiMonthLinksSql,
  kpiMonthTotalsSql,
  kpiSpanTotalsSql,
  kpiComebackTotalsSql,
  kpiCohortTotalsSql,
  kpiComplainantMonthsSql,
  kpiLifeChannelsSql,
  kpiSilencesSql,
} from './kpi-derived-rows.js';
import { foldKpiFacts, skuKey, skuKeysOf, type SkuPrice } from './kpi-facts.js';

/**
 * Maintains the `c360_kpi_*` tables: purchase and return facts, first touchpoints, complaint cases, NPS answers
 * and marketing spend, each with the instant it occurred, so the KPI queries can cut the history at any `asOf`.
 */
@Injectable()
export class KpisProjection implements Projection {
  readonly name = 'kpis';
  readonly tables = [
    'c360_kpi_purchases',
    'c360_kpi_customer_months',
    'c360_kpi_customer_lives',
    'c360_kpi_months',
    'c360_kpi_span_months',
    'c360_kpi_comeback_months',
    'c360_kpi_cohort_months',
    'c360_kpi_silences',
    'c360_kpi_silence_days',
    'c360_kpi_complainant_months',
    'c360_kpi_sku_prices',
    'c360_kpi_first_touchpoints',
    'c360_kpi_complaints',
    'c360_kpi_nps',
    'c360_kpi_marketing_spend',
  ];

  async apply(events: RecordedEvent[], manager: EntityManager): Promise<void> {
    const keys = skuKeysOf(events);
    const stored =
      keys.length === 0
        ? []
        : ((await manager.query(
            `SELECT p.customer_id AS "customerId", p.sku, p.quantity::float8 AS quantity, p.revenue::float8 AS revenue,
                    p.costed_quantity::float8 AS "costedQuantity", p.cost::float8 AS cost
               FROM c360_kpi_sku_prices p
               JOIN json_to_recordset($1::json) AS k("customerId" text, sku text)
                 ON k."customerId" = p.customer_id AND k.sku = p.sku`,
            [JSON.stringify(keys)],
          )) as SkuPrice[]);
    const facts = foldKpiFacts(events, new Map(stored.map((p) => [skuKey(p.customerId, p.sku), p])));
    const json = (rows: unknown[]) => JSON.stringify(rows);
    // the month rows of every stream whose month rows or first channel this batch may change leave the month
    // (and cohort) totals now and come back, as they then stand, at the end
    const changing = [
      ...new Set([...facts.purchases.map((p) => p.customerId), ...facts.firstTouchpoints.map((t) => t.customerId)]),
    ];
    const changingStreams = 'customer_id = ANY($1::text[])';
    if (changing.length > 0) {
      await manager.query(kpiMonthTotalsSql(changingStreams, -1), [changing]);
      await manager.query(kpiCohortTotalsSql(changingStreams, -1), [changing]);
    }
    // only the facts this batch really adds (a replayed event inserts nothing) are summed into their months
    if (facts.purchases.length > 0)
      await manager.query(
        `WITH added AS (
           INSERT INTO c360_kpi_purchases (event_id, customer_id, occurred_at, orders, revenue, costed_revenue, cost)
           SELECT r."eventId", r."customerId", r."occurredAt", r.orders, r.revenue, r."costedRevenue", r.cost
             FROM json_to_recordset($1::json) AS r("eventId" text, "customerId" text, "occurredAt" timestamptz,
                  orders smallint, revenue numeric, "costedRevenue" numeric, cost numeric)
           ON CONFLICT (event_id) DO NOTHING
           RETURNING customer_id, occurred_at, orders, revenue, costed_revenue, cost)
         INSERT INTO c360_kpi_customer_months AS m
                (customer_id, month, orders, revenue, costed_revenue, cost, first_purchase_at, last_purchase_at)
         SELECT customer_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date, sum(orders), sum(revenue),
                sum(costed_revenue), sum(cost), min(occurred_at) FILTER (WHERE orders > 0),
                max(occurred_at) FILTER (WHERE orders > 0)
           FROM added GROUP BY 1, 2
         ON CONFLICT (customer_id, month) DO UPDATE
            SET orders = m.orders + EXCLUDED.orders, revenue = m.revenue + EXCLUDED.revenue,
                costed_revenue = m.costed_revenue + EXCLUDED.costed_revenue, cost = m.cost + EXCLUDED.cost,
                first_purchase_at = least(m.first_purchase_at, EXCLUDED.first_purchase_at),
                last_purchase_at = greatest(m.last_purchase_at, EXCLUDED.last_purchase_at)`,
        [json(facts.purchases)],
      );
    if (facts.firstTouchpoints.length > 0)
      await manager.query(
        `INSERT INTO c360_kpi_first_touchpoints AS f (customer_id, occurred_at, channel)
         SELECT r."customerId", r."occurredAt", r.channel
           FROM json_to_recordset($1::json) AS r("customerId" text, "occurredAt" timestamptz, channel text)
         ON CONFLICT (customer_id) DO UPDATE SET occurred_at = EXCLUDED.occurred_at, channel = EXCLUDED.channel
          WHERE EXCLUDED.occurred_at < f.occurred_at`,
        [json(facts.firstTouchpoints)],
      );
    // the derived rows of every stream this batch adds facts to, recomputed from all its facts (late ones too)
    const purchasing = new Set(facts.purchases.map((p) => p.customerId));
    const touched = [...purchasing];
    if (touched.length > 0) {
      const streams = 'customer_id = ANY($1::text[])';
      await manager.query(kpiMonthLinksSql(streams), [touched]);
      // their spans leave the span and comeback totals and come back as recomputed
      await manager.query(kpiSpanTotalsSql(streams, -1), [touched]);
      await manager.query(kpiComebackTotalsSql(streams, -1), [touched]);
      await manager.query(kpiLivesDeleteSql(streams), [touched]);
      await manager.query(kpiLivesInsertSql(streams), [touched]);
      await manager.query(kpiSpanTotalsSql(streams, 1), [touched]);
      await manager.query(kpiComebackTotalsSql(streams, 1), [touched]);
      await manager.query(kpiSilencesSql(streams), [touched]);
    }
    if (facts.skuPrices.length > 0)
      await manager.query(
        `INSERT INTO c360_kpi_sku_prices AS p (customer_id, sku, quantity, revenue, costed_quantity, cost)
         SELECT r."customerId", r.sku, r.quantity, r.revenue, r."costedQuantity", r.cost
           FROM json_to_recordset($1::json) AS r("customerId" text, sku text, quantity numeric, revenue numeric,
                "costedQuantity" numeric, cost numeric)
         ON CONFLICT (customer_id, sku) DO UPDATE
            SET quantity = EXCLUDED.quantity, revenue = EXCLUDED.revenue,
                costed_quantity = EXCLUDED.costed_quantity, cost = EXCLUDED.cost`,
        [json(facts.skuPrices)],
      );
    // recomputed spans carry the first touchpoint already: those of the streams it may change without a purchase
    const touchedOnly = facts.firstTouchpoints.map((t) => t.customerId).filter((id) => !purchasing.has(id));
    if (touchedOnly.length > 0) await manager.query(kpiLifeChannelsSql(changingStreams), [touchedOnly]);
    if (changing.length > 0) {
      await manager.query(kpiMonthTotalsSql(changingStreams, 1), [changing]);
      await manager.query(kpiCohortTotalsSql(changingStreams, 1), [changing]);
    }
    if (facts.complaints.length > 0)
      await manager.query(
        `INSERT INTO c360_kpi_complaints AS c (customer_id, case_id, opened_at, resolved_at)
         SELECT r."customerId", r."caseId", r."openedAt", r."resolvedAt"
           FROM json_to_recordset($1::json) AS r("customerId" text, "caseId" text, "openedAt" timestamptz,
                "resolvedAt" timestamptz)
         ON CONFLICT (customer_id, case_id) DO UPDATE
            SET opened_at = least(c.opened_at, EXCLUDED.opened_at),
                resolved_at = least(c.resolved_at, EXCLUDED.resolved_at)`,
        [json(facts.complaints)],
      );
    // the month rows of the streams with a case whose rows or cases this batch may change, copied for the spend
    const complaining = [...new Set([...touched, ...facts.complaints.map((c) => c.customerId)])];
    if (complaining.length > 0)
      await manager.query(kpiComplainantMonthsSql('customer_id = ANY($1::text[])'), [complaining]);
    if (facts.nps.length > 0)
      await manager.query(
        `INSERT INTO c360_kpi_nps (event_id, customer_id, occurred_at, nps)
         SELECT r."eventId", r."customerId", r."occurredAt", r.nps
           FROM json_to_recordset($1::json) AS r("eventId" text, "customerId" text, "occurredAt" timestamptz,
                nps smallint)
         ON CONFLICT (event_id) DO NOTHING`,
        [json(facts.nps)],
      );
    if (facts.spend.length > 0)
      await manager.query(
        `INSERT INTO c360_kpi_marketing_spend
                (spend_id, channel, campaign_id, amount, currency, period_start, period_end, occurred_at)
         SELECT r."spendId", r.channel, r."campaignId", r.amount, r.currency, r."periodStart", r."periodEnd",
                r."occurredAt"
           FROM json_to_recordset($1::json) AS r("spendId" text, channel text, "campaignId" text, amount numeric,
                currency text, "periodStart" date, "periodEnd" date, "occurredAt" timestamptz)
         ON CONFLICT (spend_id) DO NOTHING`,
        [json(facts.spend)],
      );
  }
}

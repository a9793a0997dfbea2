import { createTestDatabase } from '@c360/testing';
import { DataSource } from 'typeorm';
import {
  kpiCohortTotalsSql,
  kpiComebackTotalsSql,
  kpiComplainantMonthsSql,
  kpiLifeChannelsSql,
  kpiSilencesSql,
  kpiLivesInsertSql,
  kpiMonthLinksSql,
  kpiMonthTotalsSql,
  kpiSpanTotalsSql,
} from '../src/kpis/kpi-derived-rows.js';

/**
 * From the facts seeded in `c360_kpi_purchases`, the per-month summary the projection keeps beside them and the
 * rows it derives from each stream's facts (month links, alive spans, span and comeback totals, silences and
 * their totals).
 */
export async function seedKpiMonthSummaries(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `INSERT INTO c360_kpi_customer_months
            (customer_id, month, orders, revenue, costed_revenue, cost, first_purchase_at, last_purchase_at)
     SELECT customer_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date, sum(orders), sum(revenue),
            sum(costed_revenue), sum(cost), min(occurred_at) FILTER (WHERE orders > 0),
            max(occurred_at) FILTER (WHERE orders > 0)
       FROM c360_kpi_purchases GROUP BY 1, 2`,
  );
  await dataSource.query(kpiMonthLinksSql('TRUE'));
  await dataSource.query(kpiLivesInsertSql('TRUE'));
  await dataSource.query(kpiSpanTotalsSql('TRUE', 1));
  await dataSource.query(kpiComebackTotalsSql('TRUE', 1));
  await dataSource.query(kpiSilencesSql('TRUE'));
}

/**
 * The month and cohort totals the projection keeps from the month rows and the first touchpoints seeded, and the
 * first channel it copies onto the alive spans.
 */
export async function seedKpiMonthTotals(dataSource: DataSource): Promise<void> {
  await dataSource.query(kpiLifeChannelsSql('TRUE'));
  await dataSource.query(kpiMonthTotalsSql('TRUE', 1));
  await dataSource.query(kpiCohortTotalsSql('TRUE', 1));
}

/** The month rows of the streams with a complaint case seeded, as the projection copies them for the spend. */
export async function seedKpiComplainantMonths(dataSource: DataSource): Promise<void> {
  await dataSource.query(kpiComplainantMonthsSql('TRUE'));
}

/**
 * A planted history: 300 customers with up to 14 purchases each over 2022–2024 (some on the first and last
 * instant of a month, every seventh fact a return), their derived rows and totals, first touchpoints from three
 * channels, every tenth customer shown as its neighbour, complaint cases and one marketing spend.
 */
export async function seedPlantedKpiHistory(dataSource: DataSource): Promise<void> {
  // 300 customers, up to 14 purchases each over 2022–2024 (some on the first and last instant of a month),
  // every seventh fact a return
  await dataSource.query(
    `INSERT INTO c360_kpi_purchases (event_id, customer_id, occurred_at, orders, revenue, costed_revenue, cost)
     SELECT 'p-' || c || '-' || k, 'c-' || c,
            CASE WHEN k % 5 = 0 THEN date_trunc('month', timestamptz '2022-01-01' + ((c * 37 + k * 53) % 1090) * interval '1 day')
                 WHEN k % 5 = 1 THEN date_trunc('month', timestamptz '2022-01-01' + ((c * 37 + k * 53) % 1090) * interval '1 day') - interval '1 millisecond'
                 ELSE timestamptz '2022-01-01' + ((c * 37 + k * 53) % 1090) * interval '1 day' + (c % 24) * interval '1 hour'
            END,
            CASE WHEN k % 7 = 0 THEN 0 ELSE 1 END,
            CASE WHEN k % 7 = 0 THEN -(10 + c % 9) ELSE 40 + (c * k) % 60 END,
            CASE WHEN k % 7 = 0 THEN -(5 + c % 4) WHEN k % 3 = 0 THEN 0 ELSE 30 + (c * k) % 30 END,
            CASE WHEN k % 7 = 0 THEN -(3 + c % 2) WHEN k % 3 = 0 THEN 0 ELSE 12.5 END
       FROM generate_series(1, 300) c, generate_series(1, 1 + (c % 14)) k`,
  );
  // the month rows and the rows the projection derives from each stream's facts
  await seedKpiMonthSummaries(dataSource);
  await dataSource.query(
    `INSERT INTO c360_kpi_first_touchpoints (customer_id, occurred_at, channel)
     SELECT 'c-' || c, timestamptz '2021-12-01' + (c % 40) * interval '1 day', (ARRAY['web','store','email'])[1 + c % 3]
       FROM generate_series(1, 300) c`,
  );
  await seedKpiMonthTotals(dataSource);
  // every tenth customer is shown as its neighbour
  await dataSource.query(
    `INSERT INTO c360_customers (customer_id, root_id)
     SELECT 'c-' || c, CASE WHEN c % 10 = 0 THEN 'c-' || (c - 1) ELSE 'c-' || c END FROM generate_series(1, 300) c`,
  );
  await dataSource.query(
    `INSERT INTO c360_kpi_complaints (customer_id, case_id, opened_at, resolved_at)
     SELECT 'c-' || c, 'case-' || c, timestamptz '2023-02-01' + (c % 200) * interval '1 day',
            CASE WHEN c % 3 = 0 THEN NULL ELSE timestamptz '2023-02-01' + (c % 200 + c % 20) * interval '1 day' END
       FROM generate_series(1, 300, 4) c`,
  );
  await seedKpiComplainantMonths(dataSource);
  await dataSource.query(
    `INSERT INTO c360_kpi_marketing_spend (spend_id, channel, amount, currency, period_start, period_end, occurred_at)
     VALUES ('s-1', 'web', 900, 'EUR', '2023-01-01', '2023-06-30', '2022-12-01')`,
  );
}

/** A fresh test database holding the planted history (`seedPlantedKpiHistory`); `close` drops it. */
export async function openPlantedKpiDatabase(): Promise<{ dataSource: DataSource; close: () => Promise<void> }> {
  const database = await createTestDatabase();
  const dataSource = new DataSource({ type: 'postgres', url: database.url });
  await dataSource.initialize();
  await seedPlantedKpiHistory(dataSource);
  return {
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}

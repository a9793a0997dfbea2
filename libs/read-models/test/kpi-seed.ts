import type { DataSource } from 'typeorm';
import {
  kpiCohortTotalsSql,
  kpiComebackTotalsSql,
  kpiLivesInsertSql,
  kpiMonthLinksSql,
  kpiMonthTotalsSql,
  kpiSpanTotalsSql,
} from '../src/kpis/kpi-derived-rows.js';

/**
 * From the facts seeded in `c360_kpi_purchases`, the per-month summary the projection keeps beside them and the
 * rows it derives from each stream's facts (month links, alive spans, span and comeback totals).
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
}

/** The month and cohort totals the projection keeps from the month rows and the first channels seeded. */
export async function seedKpiMonthTotals(dataSource: DataSource): Promise<void> {
  await dataSource.query(kpiMonthTotalsSql('TRUE', 1));
  await dataSource.query(kpiCohortTotalsSql('TRUE', 1));
}

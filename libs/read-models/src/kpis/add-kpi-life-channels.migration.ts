import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stream's first touchpoint (channel and instant) on each of its alive spans in `c360_kpi_customer_lives`,
 * so the lifetimes grouped by channel read the spans alone instead of joining `c360_kpi_first_touchpoints`. The
 * `kpis` projection copies them whenever a batch changes a stream's spans or first touchpoint.
 */
export class AddKpiLifeChannels1763902600100 implements MigrationInterface {
  name = 'AddKpiLifeChannels1763902600100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE c360_kpi_customer_lives
        -- the channel and instant of the stream's earliest touchpoint; null when it has none
        ADD COLUMN channel        text,
        ADD COLUMN first_touch_at timestamptz`);
    // A frozen copy of what the projection runs (kpi-derived-rows.ts) as of this migration, for the existing spans.
    await queryRunner.query(`
  UPDATE c360_kpi_customer_lives l
     SET channel = t.channel, first_touch_at = t.occurred_at
    FROM (SELECT * FROM c360_kpi_first_touchpoints WHERE TRUE) t
   WHERE t.customer_id = l.customer_id
     AND (l.channel IS DISTINCT FROM t.channel OR l.first_touch_at IS DISTINCT FROM t.occurred_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE c360_kpi_customer_lives DROP COLUMN channel, DROP COLUMN first_touch_at');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CREATE_EVENT_STORE_SQL, DROP_EVENT_STORE_SQL } from './postgres-event-store.schema.js';

export class CreateEventStore1763900000000 implements MigrationInterface {
  name = 'CreateEventStore1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(CREATE_EVENT_STORE_SQL);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(DROP_EVENT_STORE_SQL);
  }
}

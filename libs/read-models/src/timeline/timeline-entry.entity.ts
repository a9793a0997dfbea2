import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A customer's timeline: one row per touchpoint, newest first by `occurred_at`. */
@Entity({ name: 'c360_timeline' })
@Index('c360_timeline_customer', ['customerId', 'occurredAt', 'eventId'])
export class TimelineEntryEntity {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ type: 'text' })
  channel: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  summary: string;

  @Column({ type: 'jsonb' })
  data: unknown;
}

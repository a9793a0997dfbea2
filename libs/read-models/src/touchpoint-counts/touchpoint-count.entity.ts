import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How many touchpoints of each type a customer had on each channel, and when the first and last were. */
@Entity({ name: 'c360_touchpoint_counts' })
export class TouchpointCountEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId: string;

  @PrimaryColumn({ type: 'text' })
  channel: string;

  @PrimaryColumn({ type: 'text' })
  type: string;

  @Column({ type: 'bigint' })
  count: string;

  @Column({ name: 'first_at', type: 'timestamptz' })
  firstAt: Date;

  @Column({ name: 'last_at', type: 'timestamptz' })
  lastAt: Date;
}

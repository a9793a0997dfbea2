import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'c360_projection_checkpoints' })
export class ProjectionCheckpointEntity {
  @PrimaryColumn({ type: 'text' })
  name: string;

  /** The event store's opaque position of the last projected event. */
  @Column({ type: 'text' })
  position: string;

  @Column({ name: 'events_projected', type: 'bigint' })
  eventsProjected: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

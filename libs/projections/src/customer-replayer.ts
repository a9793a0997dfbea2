import { customerStreamId, upcast } from '@c360/domain';
import { START, type EventStore } from '@c360/event-store';
import type { DataSource } from 'typeorm';
import type { Projection } from './projection.js';

export interface CustomerReplayResult {
  projection: string;
  /** Events of the customer's streams applied again (those the projection had already reached). */
  events: number;
}

/**
 * Re-runs the per-customer projections for some streams: their rows are dropped and the streams' events
 * applied again, in one transaction per projection that holds its checkpoint row, so the projector waits
 * and no event is applied twice or missed: the replay stops at the checkpoint, the projector goes on from it.
 */
export class CustomerReplayer {
  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly projections: Projection[],
  ) {}

  /** The projections a replay re-runs: the others mix customers in their rows and are rebuilt whole. */
  get replayable(): string[] {
    return this.projections.filter((p) => p.removeCustomers).map((p) => p.name);
  }

  async replay(customerIds: string[]): Promise<CustomerReplayResult[]> {
    const streams = await Promise.all(customerIds.map((id) => this.store.readStream(customerStreamId(id))));
    const events = streams.flat().sort((a, b) => this.store.comparePositions(a.position, b.position));
    const results: CustomerReplayResult[] = [];
    for (const projection of this.projections) {
      if (!projection.removeCustomers) continue;
      const applied = await this.dataSource.transaction(async (manager) => {
        const rows = (await manager.query(
          'SELECT position FROM c360_projection_checkpoints WHERE name = $1 FOR UPDATE',
          [projection.name],
        )) as { position: string }[];
        const reached = rows[0]?.position ?? START;
        const due = events.filter((e) => this.store.comparePositions(e.position, reached) <= 0);
        await projection.removeCustomers!(customerIds, manager);
        if (due.length > 0) await projection.apply(due.map(upcast), manager);
        return due.length;
      });
      results.push({ projection: projection.name, events: applied });
    }
    return results;
  }
}

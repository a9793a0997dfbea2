import { upcast } from '@c360/domain';
import { START, type EventStore, type GlobalPosition, type Subscription } from '@c360/event-store';
import type { DataSource } from 'typeorm';
import type { Projection } from './projection.js';
import { SharedLogReads } from './shared-log-reads.js';

export class CheckpointMoved extends Error {
  constructor(readonly projection: string) {
    super(`Checkpoint of ${projection} was advanced by another projector instance`);
  }
}

export interface ProjectionStatus {
  name: string;
  state: 'starting' | 'catching-up' | 'live' | 'retrying' | 'stopped';
  position: GlobalPosition;
  eventsProjected: number;
  lastBatchAt?: string;
  /** When the last event projected was recorded: how far behind the projection is, in time. */
  lastEventRecordedAt?: string;
  lastError?: string;
}

export interface ProjectorOptions {
  batchSize: number;
  idleDelayMs: number;
  log: {
    info(msg: string, extra?: object): void;
    warn(msg: string, extra?: object): void;
    error(msg: string, extra?: object): void;
  };
}

/**
 * Runs each projection from its own checkpoint. A batch and its checkpoint commit in one
 * transaction; the checkpoint moves by compare-and-set, so two instances never both apply a batch.
 */
export class Projector {
  private readonly runs = new Map<string, { subscription?: Subscription; stopped: boolean }>();
  private readonly statuses = new Map<string, ProjectionStatus>();
  private readonly reads: SharedLogReads;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly projections: Projection[],
    private readonly options: ProjectorOptions,
  ) {
    this.reads = new SharedLogReads(store);
  }

  start(): void {
    for (const projection of this.projections) {
      const run = { stopped: false } as { subscription?: Subscription; stopped: boolean };
      this.runs.set(projection.name, run);
      this.statuses.set(projection.name, {
        name: projection.name,
        state: 'starting',
        position: START,
        eventsProjected: 0,
      });
      void this.keepRunning(projection, run);
    }
  }

  status(): ProjectionStatus[] {
    return [...this.statuses.values()].map((s) => ({ ...s }));
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.runs.values()].map(async (run) => {
        run.stopped = true;
        await run.subscription?.stop();
      }),
    );
    for (const status of this.statuses.values()) status.state = 'stopped';
  }

  private async keepRunning(projection: Projection, run: { subscription?: Subscription; stopped: boolean }) {
    let failures = 0;
    while (!run.stopped) {
      const status = this.statuses.get(projection.name)!;
      try {
        const checkpoint = await this.loadCheckpoint(projection.name);
        if (run.stopped) break;
        status.position = checkpoint.position;
        status.eventsProjected = checkpoint.eventsProjected;
        status.state = 'catching-up';
        let expected = checkpoint.position;
        // Work a projection left while behind is finished once it catches up (also what a crash left).
        let owesSettle = projection.settle !== undefined;
        run.subscription = this.reads.subscribe(
          async (events) => {
            const last = events[events.length - 1]!.position;
            await this.dataSource.transaction(async (manager) => {
              const [, affected] = (await manager.query(
                `UPDATE c360_projection_checkpoints
                    SET position = $3, events_projected = events_projected + $4, updated_at = now()
                  WHERE name = $1 AND position = $2`,
                [projection.name, expected, last, events.length],
              )) as [unknown, number];
              if (affected !== 1) throw new CheckpointMoved(projection.name);
              // Projections only ever see the current shape of each event.
              const behind = events.length >= this.options.batchSize;
              await projection.apply(events.map(upcast), manager, { behind });
              owesSettle = behind && projection.settle !== undefined;
            });
            expected = last;
            failures = 0;
            // A full batch means it is behind; onCaughtUp says live again right after a partial one.
            status.state = 'catching-up';
            status.position = last;
            status.eventsProjected += events.length;
            status.lastBatchAt = new Date().toISOString();
            status.lastEventRecordedAt = events[events.length - 1]!.recordedAt;
            status.lastError = undefined;
          },
          {
            after: checkpoint.position,
            maxCount: this.options.batchSize,
            idleDelayMs: this.options.idleDelayMs,
            onCaughtUp: async () => {
              if (owesSettle) {
                await this.dataSource.transaction(async (manager) => {
                  // in turn with batches (another instance's too), which lock this row first
                  await manager.query('SELECT 1 FROM c360_projection_checkpoints WHERE name = $1 FOR UPDATE', [
                    projection.name,
                  ]);
                  await projection.settle!(manager);
                });
                owesSettle = false;
              }
              status.state = 'live';
            },
            onReadError: (error, attempt) => {
              status.state = 'retrying';
              status.lastError = (error as Error).message;
              this.options.log.warn('reading the event log failed; retrying', {
                projection: projection.name,
                attempt,
                error: (error as Error).message,
              });
            },
          },
        );
        await run.subscription.closed;
      } catch (error) {
        if (run.stopped) break;
        failures++;
        status.state = 'retrying';
        status.lastError = (error as Error).message;
        const level = error instanceof CheckpointMoved ? 'info' : 'error';
        this.options.log[level]('projection batch failed; resuming from its checkpoint', {
          projection: projection.name,
          attempt: failures,
          error: (error as Error).message,
        });
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** failures, 10000)));
      }
    }
  }

  private async loadCheckpoint(name: string): Promise<{ position: GlobalPosition; eventsProjected: number }> {
    await this.dataSource.query(
      `INSERT INTO c360_projection_checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
      [name, START],
    );
    const rows = (await this.dataSource.query(
      'SELECT position, events_projected FROM c360_projection_checkpoints WHERE name = $1',
      [name],
    )) as { position: string; events_projected: string }[];
    return { position: rows[0]!.position, eventsProjected: Number(rows[0]!.events_projected) };
  }
}

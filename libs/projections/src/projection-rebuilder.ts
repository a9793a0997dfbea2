import { upcast } from '@c360/domain';
import { START, type EventStore, type GlobalPosition } from '@c360/event-store';
import type { DataSource, EntityManager } from 'typeorm';
import type { Projection } from './projection.js';
import { SharedLogReads } from './shared-log-reads.js';

export class UnknownProjection extends Error {
  constructor(readonly projection: string) {
    super(`No projection named ${projection}`);
  }
}

export class RebuildAlreadyRunning extends Error {
  constructor(readonly projection: string) {
    super(`A rebuild of ${projection} is already running`);
  }
}

export interface RebuildProgress {
  projection: string;
  state: 'running' | 'switching' | 'done' | 'failed';
  eventsDone: number;
  /** Events the live projection had counted when the rebuild started: what "done" is measured against. */
  eventsExpected: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
  resumed: boolean;
  startedAt: string;
  finishedAt?: string;
  error?: string;
}

export interface RebuildOptions {
  /** Drop what an interrupted rebuild left and start from the first event (default: resume it). */
  restart?: boolean;
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

/** The schema a projection's fresh tables are built in; readers never look there. */
function rebuildSchemaOf(projection: string): string {
  return `c360_rebuild_${projection.replace(/[^a-z0-9]/g, '_')}`;
}

const rebuildCheckpointOf = (projection: string) => `${projection}#rebuild`;

/**
 * Rebuilds a projection from the first event into fresh copies of its tables in a schema of their
 * own, while the live tables keep serving; then, in one transaction that holds the live checkpoint,
 * catches up with the head, swaps the tables in and moves the checkpoint. Readers see the old tables
 * or the new ones, never a half-built one. An interrupted rebuild resumes from its own checkpoint.
 */
export class ProjectionRebuilder {
  private readonly progress = new Map<string, RebuildProgress>();
  private readonly running = new Set<string>();
  /** Rebuilds running side by side (e.g. every projection at once) read each page of the log once. */
  private readonly reads: SharedLogReads;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly projections: Projection[],
  ) {
    this.reads = new SharedLogReads(store);
  }

  status(): RebuildProgress[] {
    return [...this.progress.values()].map((p) => ({ ...p }));
  }

  projection(name: string): Projection {
    const projection = this.projections.find((p) => p.name === name);
    if (!projection) throw new UnknownProjection(name);
    return projection;
  }

  /** Whether this process is rebuilding the projection (another process's rebuild shows as its lock). */
  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  async rebuild(name: string, options: RebuildOptions = {}): Promise<RebuildProgress> {
    const projection = this.projection(name);
    if (this.running.has(name)) throw new RebuildAlreadyRunning(name);
    this.running.add(name);
    try {
      return await this.rebuildLocked(projection, options);
    } finally {
      this.running.delete(name);
    }
  }

  private async rebuildLocked(projection: Projection, options: RebuildOptions): Promise<RebuildProgress> {
    const name = projection.name;
    const batchSize = options.batchSize ?? 2000;
    // A session lock on a connection of its own: one rebuild per projection, across processes.
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      const [{ locked }] = (await lock.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        `c360-rebuild:${name}`,
      ])) as { locked: boolean }[];
      if (!locked) throw new RebuildAlreadyRunning(name);
      try {
        return await this.run(projection, batchSize, options);
      } finally {
        await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`c360-rebuild:${name}`]);
      }
    } finally {
      await lock.release();
    }
  }

  private async run(projection: Projection, batchSize: number, options: RebuildOptions): Promise<RebuildProgress> {
    const schema = rebuildSchemaOf(projection.name);
    const checkpoint = rebuildCheckpointOf(projection.name);
    const resumed = !options.restart && (await this.canResume(schema, checkpoint));
    if (!resumed) await this.prepare(projection, schema, checkpoint);
    const live = (await this.dataSource.query(
      'SELECT events_projected FROM c360_projection_checkpoints WHERE name = $1',
      [projection.name],
    )) as { events_projected: string }[];
    const started = Date.now();
    const progress: RebuildProgress = {
      projection: projection.name,
      state: 'running',
      eventsDone: 0,
      eventsExpected: Number(live[0]?.events_projected ?? 0),
      eventsPerSecond: 0,
      etaSeconds: null,
      resumed,
      startedAt: new Date(started).toISOString(),
    };
    this.progress.set(projection.name, progress);
    const report = (done: number, sinceStart: number) => {
      progress.eventsDone = done;
      const seconds = (Date.now() - started) / 1000;
      progress.eventsPerSecond = seconds > 0 ? Math.round(sinceStart / seconds) : 0;
      const left = Math.max(0, progress.eventsExpected - done);
      progress.etaSeconds = progress.eventsPerSecond > 0 ? Math.round(left / progress.eventsPerSecond) : null;
      options.onProgress?.({ ...progress });
    };
    try {
      let { position, done } = await this.rebuildCheckpointIn(this.dataSource.manager, checkpoint);
      const startDone = done;
      for (;;) {
        const events = await this.reads.read(position, batchSize);
        if (events.length > 0) {
          await this.dataSource.transaction(async (manager) => {
            await manager.query(`SET LOCAL search_path TO ${schema}, public`);
            await this.applyBatch(manager, projection, checkpoint, position, events, events.length >= batchSize);
          });
          position = events[events.length - 1]!.position;
          done += events.length;
          report(done, done - startDone);
        }
        if (events.length < batchSize) break;
      }
      progress.state = 'switching';
      options.onProgress?.({ ...progress });
      done = await this.switchOver(projection, schema, checkpoint, batchSize);
      progress.state = 'done';
      progress.finishedAt = new Date().toISOString();
      report(done, done - startDone);
      return { ...progress };
    } catch (error) {
      progress.state = 'failed';
      progress.error = (error as Error).message;
      progress.finishedAt = new Date().toISOString();
      throw error;
    }
  }

  private async canResume(schema: string, checkpoint: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = $1) AS schemas,
              (SELECT count(*) FROM c360_projection_checkpoints WHERE name = $2) AS checkpoints`,
      [schema, checkpoint],
    )) as { schemas: string; checkpoints: string }[];
    return rows[0]!.schemas === '1' && rows[0]!.checkpoints === '1';
  }

  /** Empty copies of the projection's tables (columns, defaults, constraints, indexes) in their own schema. */
  private async prepare(projection: Projection, schema: string, checkpoint: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await manager.query(`CREATE SCHEMA ${schema}`);
      for (const table of projection.tables) {
        await manager.query(`CREATE TABLE ${schema}.${table} (LIKE public.${table} INCLUDING ALL)`);
      }
      await manager.query(
        `INSERT INTO c360_projection_checkpoints (name, position, events_projected) VALUES ($1, $2, 0)
         ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, events_projected = 0, updated_at = now()`,
        [checkpoint, START],
      );
    });
  }

  private async applyBatch(
    manager: EntityManager,
    projection: Projection,
    checkpoint: string,
    expected: GlobalPosition,
    events: Awaited<ReturnType<EventStore['readAll']>>,
    behind: boolean,
  ): Promise<void> {
    const [, affected] = (await manager.query(
      `UPDATE c360_projection_checkpoints
          SET position = $3, events_projected = events_projected + $4, updated_at = now()
        WHERE name = $1 AND position = $2`,
      [checkpoint, expected, events[events.length - 1]!.position, events.length],
    )) as [unknown, number];
    if (affected !== 1) throw new RebuildAlreadyRunning(projection.name);
    await projection.apply(events.map(upcast), manager, { behind });
  }

  /**
   * Holds the live checkpoint (the live projector waits, then finds it moved and resumes from it),
   * applies what arrived since, swaps the tables and hands the rebuilt position to the live projection.
   */
  private async switchOver(
    projection: Projection,
    schema: string,
    checkpoint: string,
    batchSize: number,
  ): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO c360_projection_checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
        [projection.name, START],
      );
      await manager.query('SELECT 1 FROM c360_projection_checkpoints WHERE name = $1 FOR UPDATE', [projection.name]);
      await manager.query(`SET LOCAL search_path TO ${schema}, public`);
      let { position } = await this.rebuildCheckpointIn(manager, checkpoint);
      for (;;) {
        const events = await this.store.readAll({ after: position, maxCount: batchSize });
        if (events.length > 0) {
          await this.applyBatch(manager, projection, checkpoint, position, events, false);
          position = events[events.length - 1]!.position;
        }
        if (events.length < batchSize) break;
      }
      await projection.settle?.(manager);
      const { done } = await this.rebuildCheckpointIn(manager, checkpoint);
      for (const table of projection.tables) {
        await manager.query(`DROP TABLE public.${table}`);
        await manager.query(`ALTER TABLE ${schema}.${table} SET SCHEMA public`);
      }
      await manager.query(
        `UPDATE c360_projection_checkpoints SET position = $2, events_projected = $3, updated_at = now()
          WHERE name = $1`,
        [projection.name, position, done],
      );
      await manager.query('DELETE FROM c360_projection_checkpoints WHERE name = $1', [checkpoint]);
      await manager.query(`DROP SCHEMA ${schema}`);
      return done;
    });
  }

  private async rebuildCheckpointIn(
    manager: EntityManager,
    checkpoint: string,
  ): Promise<{ position: GlobalPosition; done: number }> {
    const rows = (await manager.query(
      'SELECT position, events_projected FROM c360_projection_checkpoints WHERE name = $1',
      [checkpoint],
    )) as { position: string; events_projected: string }[];
    return { position: rows[0]!.position, done: Number(rows[0]!.events_projected) };
  }
}

import { linkEvent, mergeEvents, type IdentifierKind, type IdentityEventToRecord } from '@c360/domain';
import { EVENT_STORE, type EventStore } from '@c360/event-store';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IdentityIndex } from './identity-index.js';
import { toStreamWrites } from './record-identity-events.js';

const SWEEP_EVERY_MS = 30_000;
const GRACE_SECONDS = 30;

/**
 * The index changes before its events are appended; a crash in between leaves a link or a merge
 * without its event. This sweep appends what was left behind (ids are deterministic, so a link also
 * recorded by a retry in the meantime is stored once).
 */
@Injectable()
export class PendingIdentityEventsSweep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('IdentityIndex');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly index: IdentityIndex,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((error: Error) => this.logger.warn({ msg: 'identity sweep failed', error: error.message }))
        .finally(() => (this.running = undefined));
    }, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Records links and merges left unrecorded for longer than `graceSeconds`; returns how many. */
  async sweep(graceSeconds = GRACE_SECONDS): Promise<number> {
    const links = (await this.dataSource.query(
      `SELECT kind, value, customer_id, linked_at FROM c360_identifiers
        WHERE NOT recorded AND linked_at < now() - make_interval(secs => $1) ORDER BY linked_at LIMIT 1000`,
      [graceSeconds],
    )) as { kind: IdentifierKind; value: string; customer_id: string; linked_at: Date }[];
    const merges = (await this.dataSource.query(
      `SELECT merge_id, survivor_id, merged_id, reason, actor, merged_at, unmerged_at, unmerge_reason,
              NOT recorded AS merge_pending,
              unmerged_at IS NOT NULL AND NOT unmerge_recorded AS unmerge_pending
         FROM c360_merges
        WHERE (NOT recorded AND merged_at < now() - make_interval(secs => $1))
           OR (unmerged_at IS NOT NULL AND NOT unmerge_recorded AND unmerged_at < now() - make_interval(secs => $1))
        ORDER BY merged_at LIMIT 1000`,
      [graceSeconds],
    )) as {
      merge_id: string;
      survivor_id: string;
      merged_id: string;
      reason: string;
      actor: { kind: 'agent' | 'system' | 'customer'; id: string } | null;
      merged_at: Date;
      unmerged_at: Date | null;
      unmerge_reason: string | null;
      merge_pending: boolean;
      unmerge_pending: boolean;
    }[];
    const events: IdentityEventToRecord[] = links.map((l) =>
      linkEvent(
        { identifier: { kind: l.kind, value: l.value }, customerId: l.customer_id },
        { occurredAt: l.linked_at.toISOString() },
      ),
    );
    for (const m of merges) {
      const record = { mergeId: m.merge_id, survivorId: m.survivor_id, mergedId: m.merged_id, reason: m.reason };
      const actor = m.actor ?? undefined;
      if (m.merge_pending)
        events.push(...mergeEvents(record, 'merged', { occurredAt: m.merged_at.toISOString(), actor }));
      if (m.unmerge_pending) {
        events.push(
          ...mergeEvents({ ...record, reason: m.unmerge_reason ?? '' }, 'unmerged', {
            occurredAt: m.unmerged_at!.toISOString(),
          }),
        );
      }
    }
    if (events.length === 0) return 0;
    await this.store.appendMany(toStreamWrites(events));
    await this.index.markLinksRecorded(links.map((l) => ({ kind: l.kind, value: l.value })));
    await this.index.markMergesRecorded(merges.filter((m) => m.merge_pending).map((m) => m.merge_id));
    await this.index.markUnmergesRecorded(merges.filter((m) => m.unmerge_pending).map((m) => m.merge_id));
    this.logger.log({
      msg: 'recorded identity events a crash had left behind',
      links: links.length,
      merges: merges.length,
    });
    return events.length;
  }
}

import { customerStreamId, mergeEvents, type MergeRecord } from '@c360/domain';
import { EVENT_STORE, type EventStore } from '@c360/event-store';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { UnmergeCustomersCommand, type MergeOutcome } from './customer-merge.commands.js';
import { CustomerNotFound, MergeRefused, StaleRevision } from './identity.errors.js';
import { IdentityIndex, RootMoved } from './identity-index.js';
import { appendIdentityEvents, streamRevision } from './record-identity-events.js';

@CommandHandler(UnmergeCustomersCommand)
export class UnmergeCustomersHandler implements ICommandHandler<UnmergeCustomersCommand, MergeOutcome> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly index: IdentityIndex,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute(command: UnmergeCustomersCommand): Promise<MergeOutcome> {
    const { survivorId, mergedId, reason, actor, expectedRevision } = command;
    const merge: MergeRecord = await this.index.retrying(() =>
      this.dataSource.transaction(async (manager) => {
        const rootId = await this.index.rootOf(survivorId);
        if (rootId === undefined) throw new CustomerNotFound(survivorId);
        const rows = await this.index.lockCustomers(manager, [survivorId, mergedId, rootId]);
        if (!rows.has(mergedId)) throw new CustomerNotFound(mergedId);
        if (rows.get(rootId)!.mergedInto !== null || rows.get(survivorId)!.rootId !== rootId) throw new RootMoved();
        const active = await this.index.activeMergeOf(manager, mergedId);
        if (!active) throw new MergeRefused(`Customer ${mergedId} is not merged into anyone`);
        if (active.survivorId !== survivorId) {
          throw new MergeRefused(`Customer ${mergedId} was merged into ${active.survivorId}, not into ${survivorId}`);
        }
        if (expectedRevision !== undefined) {
          const actual = await streamRevision(this.store, customerStreamId(survivorId));
          if (actual !== expectedRevision) throw new StaleRevision(survivorId, expectedRevision, actual);
        }
        await this.index.unmergeLocked(manager, active, reason);
        return active;
      }),
    );
    const revision = await appendIdentityEvents(
      this.store,
      mergeEvents({ ...merge, reason }, 'unmerged', { occurredAt: new Date().toISOString(), actor }),
      survivorId,
    );
    await this.index.markUnmergesRecorded([merge.mergeId]);
    return { ...merge, reason, revision };
  }
}

import { randomUUID } from 'node:crypto';
import { customerStreamId, mergeEvents, type MergeRecord } from '@c360/domain';
import { EVENT_STORE, type EventStore } from '@c360/event-store';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { MergeCustomersCommand, type MergeOutcome } from './customer-merge.commands.js';
import { CustomerNotFound, MergeRefused, StaleRevision } from './identity.errors.js';
import { IdentityIndex } from './identity-index.js';
import { appendIdentityEvents, streamRevision } from './record-identity-events.js';

@CommandHandler(MergeCustomersCommand)
export class MergeCustomersHandler implements ICommandHandler<MergeCustomersCommand, MergeOutcome> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly index: IdentityIndex,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute(command: MergeCustomersCommand): Promise<MergeOutcome> {
    const { survivorId, mergedId, reason, actor, expectedRevision } = command;
    if (survivorId === mergedId) throw new MergeRefused('A customer cannot be merged with itself');
    const record: MergeRecord = await this.index.retrying(() =>
      this.dataSource.transaction(async (manager) => {
        const rows = await this.index.lockCustomers(manager, [survivorId, mergedId]);
        for (const id of [survivorId, mergedId]) if (!rows.has(id)) throw new CustomerNotFound(id);
        const survivor = rows.get(survivorId)!;
        const merged = rows.get(mergedId)!;
        for (const [id, row] of [
          [survivorId, survivor],
          [mergedId, merged],
        ] as const) {
          if (row.forgotten) throw new MergeRefused(`Customer ${id} was forgotten: it can be merged with no one`);
        }
        if (survivor.mergedInto !== null) {
          throw new MergeRefused(
            `Customer ${survivorId} was itself merged into ${survivor.rootId}: merge into ${survivor.rootId} instead`,
          );
        }
        if (merged.mergedInto !== null) {
          throw new MergeRefused(`Customer ${mergedId} is already merged into ${merged.rootId}`);
        }
        if (expectedRevision !== undefined) {
          const actual = await streamRevision(this.store, customerStreamId(survivorId));
          if (actual !== expectedRevision) throw new StaleRevision(survivorId, expectedRevision, actual);
        }
        return this.index.mergeRoots(manager, { mergeId: randomUUID(), survivorId, mergedId, reason }, actor);
      }),
    );
    const revision = await appendIdentityEvents(
      this.store,
      mergeEvents(record, 'merged', { occurredAt: new Date().toISOString(), actor }),
      survivorId,
    );
    await this.index.markMergesRecorded([record.mergeId]);
    return { ...record, revision };
  }
}

import { customerStreamId, forgetEvent } from '@c360/domain';
import { CUSTOMER_KEYS, EVENT_STORE, type CustomerKeys, type EventStore } from '@c360/event-store';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { ForgetCustomerCommand, type ForgetOutcome } from './forget-customer.command.js';
import { CustomerNotFound, StaleRevision } from './identity.errors.js';
import { IdentityIndex } from './identity-index.js';
import { streamRevision, toStreamWrites } from './record-identity-events.js';

/**
 * Forgets a customer and everything merged into it, in an order that is safe to repeat after a crash:
 * (1) the identity index lets go of its identifiers, (2) the keys are destroyed, so its personal data is
 * unreadable from then on, (3) `CustomerForgotten` is appended to each stream, and each read model drops
 * the customer when its projection reaches that event. Asking again finishes whatever a crash left undone.
 */
@CommandHandler(ForgetCustomerCommand)
export class ForgetCustomerHandler implements ICommandHandler<ForgetCustomerCommand, ForgetOutcome> {
  private readonly logger = new Logger('ForgetCustomer');

  constructor(
    private readonly dataSource: DataSource,
    private readonly index: IdentityIndex,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CUSTOMER_KEYS) private readonly keys: CustomerKeys,
  ) {}

  async execute({ customerId, reason, actor, expectedRevision }: ForgetCustomerCommand): Promise<ForgetOutcome> {
    const rootId = await this.index.rootOf(customerId);
    if (rootId === undefined) throw new CustomerNotFound(customerId);
    if (expectedRevision !== undefined) {
      const actual = await streamRevision(this.store, customerStreamId(rootId));
      if (actual !== expectedRevision) throw new StaleRevision(rootId, expectedRevision, actual);
    }
    const members = await this.index.retrying(() =>
      this.dataSource.transaction(async (manager) => {
        const members = await this.index.membersOf(rootId, manager);
        await this.index.lockCustomers(manager, members);
        await this.index.forgetLocked(manager, members);
        return members;
      }),
    );
    await this.keys.forget(members.map(customerStreamId));
    const forgottenAt = new Date().toISOString();
    await this.store.appendMany(
      toStreamWrites(members.map((id) => forgetEvent(id, reason, { occurredAt: forgottenAt, actor }))),
    );
    this.logger.log({ msg: 'customer forgotten', customers: members.length });
    return { customerId: rootId, forgotten: members, reason, forgottenAt };
  }
}

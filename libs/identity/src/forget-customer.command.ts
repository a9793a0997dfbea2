import type { Actor } from '@c360/domain';
import { Command } from '@nestjs/cqrs';

export interface ForgetOutcome {
  /** The customer as it was shown. */
  customerId: string;
  /** Every customer forgotten with it: itself and those merged into it. */
  forgotten: string[];
  reason: string;
  forgottenAt: string;
}

/** The right to be forgotten: the customer's personal data becomes unreadable and every read model drops it. */
export class ForgetCustomerCommand extends Command<ForgetOutcome> {
  constructor(
    readonly customerId: string,
    readonly reason: string,
    readonly actor: Actor,
    /** If-Match: the customer's stream revision the caller saw. */
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

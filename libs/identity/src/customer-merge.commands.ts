import type { Actor } from '@c360/domain';
import { Command } from '@nestjs/cqrs';

export interface MergeOutcome {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  reason: string;
  /** The survivor's stream revision after the merge: the next If-Match. */
  revision: number;
}

/** An agent says two customers are one: `mergedId` will be shown as `survivorId`. */
export class MergeCustomersCommand extends Command<MergeOutcome> {
  constructor(
    readonly survivorId: string,
    readonly mergedId: string,
    readonly reason: string,
    readonly actor: Actor,
    /** If-Match: the survivor's stream revision the agent saw. */
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

/** An agent undoes a merge: both customers stand alone again, each with its own history. */
export class UnmergeCustomersCommand extends Command<MergeOutcome> {
  constructor(
    readonly survivorId: string,
    readonly mergedId: string,
    readonly reason: string,
    readonly actor: Actor,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

import type { RecordedEvent } from '@c360/event-store';
import type { EntityManager } from 'typeorm';

/** Injection token of the list of projections the projector runs. */
export const PROJECTIONS = Symbol('PROJECTIONS');

/**
 * A read model kept up to date from the global log. `apply` runs inside the transaction that also
 * advances the projection's checkpoint, so a batch counts exactly once or not at all.
 */
export interface Projection {
  readonly name: string;
  /** The tables it alone writes: a rebuild fills fresh copies of them, then swaps them in. */
  readonly tables: readonly string[];
  apply(events: RecordedEvent[], manager: EntityManager, context?: ApplyContext): Promise<void>;
  /**
   * Finishes what `apply` left for later while behind (see `ApplyContext`), in the transaction given: a rebuild
   * calls it before swapping its tables in.
   */
  settle?(manager: EntityManager): Promise<void>;
  /**
   * Per-customer read models only: drops these customers' rows, so that replaying their streams through
   * `apply` builds them again. Absent where rows mix customers (counts, aggregates): those rebuild whole.
   */
  removeCustomers?(customerIds: string[], manager: EntityManager): Promise<void>;
}

/** What the caller knows about where a batch stands in the log. */
export interface ApplyContext {
  /**
   * The batch was a full page: more events are waiting (a catch-up or a rebuild). A projection may then leave work
   * whose result only the latest batch needs (e.g. rescoring the customers touched) for a later batch, as long as
   * what it leaves is durable and a batch that is not behind does it all. Absent: not behind.
   */
  behind?: boolean;
}

/** The customers of a batch's `CustomerForgotten` events: every read model drops what it holds of them. */
export function forgottenIn(events: RecordedEvent[]): string[] {
  return events.filter((e) => e.type === 'CustomerForgotten').map((e) => (e.data as { customerId: string }).customerId);
}

/** An event of a forgotten customer's stream: per-customer read models leave it out. */
export function ofForgottenCustomer(event: RecordedEvent): boolean {
  return event.metadata.forgotten === true;
}

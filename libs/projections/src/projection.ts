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
  apply(events: RecordedEvent[], manager: EntityManager): Promise<void>;
}

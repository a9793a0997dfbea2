import {
  pollAll,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '@c360/event-store';

/**
 * One read of the log for every projection at the same place in it: the projections of a projector run
 * side by side over the same batches, and each used to read, decode and decrypt them on its own. A full
 * page (as many events as asked) is kept for the others, the last few pages only: the log is commit-safe
 * (a later read never finds an event sorting before one already returned), so a full page read again would
 * be the same. A short page is never kept, since the head of the log moves on.
 */
export class SharedLogReads {
  private readonly pages = new Map<string, Promise<RecordedEvent[]>>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = 8,
  ) {}

  read(after: GlobalPosition, maxCount: number): Promise<RecordedEvent[]> {
    const key = `${after}|${maxCount}`;
    const kept = this.pages.get(key);
    if (kept) {
      this.pages.delete(key);
      this.pages.set(key, kept);
      return kept;
    }
    const page = this.store.readAll({ after, maxCount });
    this.pages.set(key, page);
    page.then(
      (events) => {
        if (events.length < maxCount) this.pages.delete(key);
      },
      () => this.pages.delete(key),
    );
    while (this.pages.size > this.capacity) this.pages.delete(this.pages.keys().next().value!);
    return page;
  }

  /** Catch-up from `after`, then live, as `EventStore.subscribeToAll`, with the reads shared. */
  subscribe(handler: (events: RecordedEvent[]) => Promise<void>, options: SubscribeOptions): Subscription {
    return pollAll((after, maxCount) => this.read(after, maxCount), handler, options);
  }
}

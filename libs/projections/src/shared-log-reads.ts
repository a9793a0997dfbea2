import type { EventStore, GlobalPosition, RecordedEvent, Subscription } from '@c360/event-store';

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
  subscribe(
    handler: (events: RecordedEvent[]) => Promise<void>,
    options: {
      after: GlobalPosition;
      maxCount: number;
      idleDelayMs: number;
      onCaughtUp?: () => void;
      onReadError?: (error: unknown, attempt: number) => void;
    },
  ): Subscription {
    let stopped = false;
    let wake: (() => void) | undefined;
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    const run = async () => {
      let after = options.after;
      let failures = 0;
      while (!stopped) {
        let events: RecordedEvent[];
        try {
          events = await this.read(after, options.maxCount);
          failures = 0;
        } catch (error) {
          failures++;
          options.onReadError?.(error, failures);
          await sleep(Math.min(100 * 2 ** failures, 5000));
          continue;
        }
        if (stopped) break;
        if (events.length > 0) {
          await handler(events);
          after = events[events.length - 1]!.position;
        }
        if (events.length < options.maxCount) {
          options.onCaughtUp?.();
          await sleep(options.idleDelayMs);
        }
      }
    };
    const closed = run();
    closed.catch(() => undefined);
    return {
      closed,
      stop: async () => {
        stopped = true;
        wake?.();
        await closed.catch(() => undefined);
      },
    };
  }
}

import {
  START,
  type GlobalPosition,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './event-store.port.js';

const DEFAULT_PAGE = 1000;

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A catch-up-then-live subscription over a commit-safe paged read of the log: read a page after the last
 * position handled, hand it over, and wait `idleDelayMs` once a page comes back short. Read failures are
 * retried with backoff; a handler that throws ends the subscription with its error. `abort` ends it too.
 */
export function pollAll(
  read: (after: GlobalPosition, maxCount: number) => Promise<RecordedEvent[]>,
  handler: (events: RecordedEvent[]) => Promise<void>,
  options: SubscribeOptions = {},
  abort = new AbortController(),
): Subscription {
  const pageSize = options.maxCount ?? DEFAULT_PAGE;
  const idleDelayMs = options.idleDelayMs ?? 50;
  const run = async () => {
    let after = options.after ?? START;
    let failures = 0;
    while (!abort.signal.aborted) {
      let events: RecordedEvent[];
      try {
        events = await read(after, pageSize);
        failures = 0;
      } catch (error) {
        failures++;
        options.onReadError?.(error, failures);
        await sleep(Math.min(100 * 2 ** failures, 5000), abort.signal);
        continue;
      }
      if (abort.signal.aborted) break;
      if (events.length > 0) {
        await handler(events);
        after = events[events.length - 1]!.position;
      }
      if (events.length < pageSize) {
        await options.onCaughtUp?.();
        await sleep(idleDelayMs, abort.signal);
      }
    }
  };
  const closed = run();
  closed.catch(() => undefined);
  return {
    closed,
    stop: async () => {
      abort.abort();
      await closed.catch(() => undefined);
    },
  };
}

import { EventStoreDbEventStore } from '@c360/event-store';
import { eventually } from '@c360/testing';
import { eventStoreContract } from './event-store.contract.js';

// The contract needs a running EventStoreDB (KurrentDB); `docker compose up eventstoredb` gives one at
// esdb://localhost:2113?tls=false. Without EVENTSTORE_URL the suite is skipped, and says so.
const url = process.env.EVENTSTORE_URL;

if (url) {
  eventStoreContract(`EventStoreDB at ${url}`, async () => {
    const store = new EventStoreDbEventStore({ connectionString: url });
    return { store, dispose: () => store.close() };
  });
} else {
  const reason =
    'SKIPPED the event store contract against EventStoreDB: EVENTSTORE_URL is not set. Run ' +
    '`docker compose up -d eventstoredb` and set EVENTSTORE_URL=esdb://localhost:2113?tls=false to run it.';
  console.warn(reason);
  describe.skip(`event store contract: EventStoreDB — ${reason}`, () => {
    it('runs the whole contract suite against a live EventStoreDB', () => undefined);
  });
}

// Runs without a server: nothing listens on port 1, as when the leader is gone.
describe('EventStoreDB adapter without a reachable server', () => {
  it('keeps resubscribing with backoff, reporting each failure, and stops cleanly', async () => {
    const store = new EventStoreDbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false' });
    const failures: number[] = [];
    const subscription = store.subscribeToAll(async () => undefined, {
      onReadError: (_error, attempt) => failures.push(attempt),
    });
    try {
      await eventually(
        async () => failures,
        (f) => f.length >= 2,
        { timeoutMs: 30000, what: 'two reported failures' },
      );
      expect(failures.slice(0, 2)).toEqual([1, 2]);
    } finally {
      await subscription.stop();
      await store.close();
    }
    await expect(subscription.closed).resolves.toBeUndefined();
  });
});

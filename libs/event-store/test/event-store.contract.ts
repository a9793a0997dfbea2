import { randomUUID } from 'node:crypto';
import { eventually } from '@c360/testing';
import { START, StreamRevisionConflict, type EventStore, type NewEvent, type RecordedEvent } from '@c360/event-store';

export interface ContractSubject {
  store: EventStore;
  dispose(): Promise<void>;
}

function anEvent(n: number, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    type: 'CallHandled',
    data: { n, reason: 'delivery' },
    metadata: { occurredAt: '2026-11-01T10:00:00.000Z', channel: 'call-center', schemaVersion: 1 },
    ...overrides,
  };
}

function newStream(prefix = 'contract'): string {
  return `${prefix}-${randomUUID()}`;
}

/** The whole global log, page by page, keeping the events `belongs` accepts. */
export async function readAllOf(
  store: EventStore,
  belongs: (e: RecordedEvent) => boolean = () => true,
): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  let after = START;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 500 });
    if (page.length === 0) return seen;
    seen.push(...page.filter(belongs));
    after = page[page.length - 1]!.position;
  }
}

/** The event store port's contract: every adapter must pass it unchanged. */
export function eventStoreContract(adapter: string, open: () => Promise<ContractSubject>): void {
  describe(`event store contract: ${adapter}`, () => {
    let subject: ContractSubject;
    let store: EventStore;

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.dispose();
    });

    describe('appending and reading a stream', () => {
      it('gives a new stream consecutive revisions from 0 and reads them back with their metadata', async () => {
        const stream = newStream();
        const result = await store.append(stream, [anEvent(1), anEvent(2), anEvent(3)], {
          expectedRevision: 'no_stream',
        });

        expect(result.events.map((e) => [e.streamRevision, e.duplicate])).toEqual([
          [0, false],
          [1, false],
          [2, false],
        ]);
        const events = await store.readStream(stream);
        expect(events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
        expect(events[0]).toMatchObject({
          streamId: stream,
          streamRevision: 0,
          type: 'CallHandled',
          eventId: result.events[0]!.eventId,
          position: result.events[0]!.position,
          metadata: { channel: 'call-center', schemaVersion: 1, eventId: result.events[0]!.eventId },
        });
        expect(Date.parse(events[0]!.recordedAt)).not.toBeNaN();
        expect(events[0]!.metadata.recordedAt).toBe(events[0]!.recordedAt);
      });

      it('reads backwards, from a revision, and a limited count', async () => {
        const stream = newStream();
        await store.append(
          stream,
          [1, 2, 3, 4, 5].map((n) => anEvent(n)),
        );

        const revisions = (events: RecordedEvent[]) => events.map((e) => e.streamRevision);
        expect(revisions(await store.readStream(stream, { direction: 'backwards' }))).toEqual([4, 3, 2, 1, 0]);
        expect(revisions(await store.readStream(stream, { fromRevision: 2 }))).toEqual([2, 3, 4]);
        expect(
          revisions(await store.readStream(stream, { direction: 'backwards', fromRevision: 2, maxCount: 2 })),
        ).toEqual([2, 1]);
        expect(await store.readStream(newStream())).toEqual([]);
      });
    });

    describe('optimistic concurrency', () => {
      it('appends at the expected revision and rejects a stale one with a typed conflict', async () => {
        const stream = newStream();
        await store.append(stream, [anEvent(1), anEvent(2)]);

        await expect(store.append(stream, [anEvent(3)], { expectedRevision: 1 })).resolves.toMatchObject({
          events: [{ streamRevision: 2 }],
        });
        const stale = store.append(stream, [anEvent(4)], { expectedRevision: 1 });
        await expect(stale).rejects.toBeInstanceOf(StreamRevisionConflict);
        await expect(stale).rejects.toMatchObject({ streamId: stream, expected: 1, actual: 2 });
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('enforces no_stream and stream_exists', async () => {
        const stream = newStream();
        await expect(store.append(stream, [anEvent(1)], { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
          actual: 'no_stream',
        });
        await store.append(stream, [anEvent(1)], { expectedRevision: 'no_stream' });
        await expect(store.append(stream, [anEvent(2)], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
          StreamRevisionConflict,
        );
        await expect(store.append(stream, [anEvent(2)], { expectedRevision: 'stream_exists' })).resolves.toBeDefined();
        await expect(store.append(newStream(), [anEvent(1)], { expectedRevision: 0 })).rejects.toMatchObject({
          actual: 'no_stream',
        });
      });

      it('lets exactly one of many concurrent writers at the same revision win', async () => {
        const stream = newStream();
        await store.append(stream, [anEvent(0)]);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => store.append(stream, [anEvent(i + 1)], { expectedRevision: 0 })),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(rejected).toHaveLength(9);
        rejected.forEach((r) => expect(r.reason).toBeInstanceOf(StreamRevisionConflict));
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      // Atomic stores roll the whole commit back; the others check every expected revision before writing any.
      it('writes nothing of a multi-stream append when one stream conflicts', async () => {
        const [a, b] = [newStream(), newStream()];
        await store.append(b, [anEvent(1)]);
        await expect(
          store.appendMany([
            { streamId: a, events: [anEvent(1)], expectedRevision: 'no_stream' },
            { streamId: b, events: [anEvent(2)], expectedRevision: 'no_stream' },
          ]),
        ).rejects.toBeInstanceOf(StreamRevisionConflict);
        expect(await store.readStream(a)).toEqual([]);
        expect(await store.readStream(b)).toHaveLength(1);
      });
    });

    describe('idempotency', () => {
      it('answers a repeated event id with the first result and stores nothing new', async () => {
        const stream = newStream();
        const eventId = randomUUID();
        const first = await store.append(stream, [anEvent(1, { eventId })], { expectedRevision: 'no_stream' });
        // A retry after a lost answer: its expected revision is stale, yet it is no conflict.
        const again = await store.append(stream, [anEvent(1, { eventId })], { expectedRevision: 'no_stream' });

        expect(first.events[0]!.duplicate).toBe(false);
        expect(again.events[0]).toEqual({ ...first.events[0], duplicate: true });
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('stores only the new events of a partly repeated append, and a repeat inside one call once', async () => {
        const stream = newStream();
        const [x, y] = [randomUUID(), randomUUID()];
        await store.append(stream, [anEvent(1, { eventId: x })]);
        const result = await store.append(stream, [
          anEvent(1, { eventId: x }),
          anEvent(2, { eventId: y }),
          anEvent(2, { eventId: y }),
        ]);

        expect(result.events.map((e) => [e.eventId, e.streamRevision, e.duplicate])).toEqual([
          [x, 0, true],
          [y, 1, false],
          [y, 1, true],
        ]);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('stores an event once when many deliveries race, to the same or to different streams', async () => {
        const eventId = randomUUID();
        const streams = [newStream(), newStream(), newStream()];
        const results = await Promise.all(
          Array.from({ length: 24 }, (_, i) => store.append(streams[i % 3]!, [anEvent(1, { eventId })])),
        );
        const stored = (await Promise.all(streams.map((s) => store.readStream(s)))).flat();
        if (store.capabilities.eventIdUniqueAcrossStreams) {
          expect(results.filter((r) => !r.events[0]!.duplicate)).toHaveLength(1);
          expect(new Set(results.map((r) => r.events[0]!.position)).size).toBe(1);
          expect(stored.map((e) => e.eventId)).toEqual([eventId]);
        } else {
          // Once per stream: every delivery to a stream answers with that stream's one copy.
          expect(results.filter((r) => !r.events[0]!.duplicate)).toHaveLength(3);
          expect(new Set(results.map((r) => r.events[0]!.position)).size).toBe(3);
          expect(stored.map((e) => [e.streamId, e.eventId])).toEqual(streams.map((s) => [s, eventId]));
        }
      });

      it('completes a multi-stream append when it is retried with the same event ids', async () => {
        const [a, b] = [newStream(), newStream()];
        const [x, y] = [randomUUID(), randomUUID()];
        // As if the first try had stored stream a and then failed before stream b.
        await store.append(a, [anEvent(1, { eventId: x })], { expectedRevision: 'no_stream' });
        const retry = await store.appendMany([
          { streamId: a, events: [anEvent(1, { eventId: x })], expectedRevision: 'no_stream' },
          { streamId: b, events: [anEvent(2, { eventId: y })], expectedRevision: 'no_stream' },
        ]);

        expect(retry.map((r) => r.events.map((e) => [e.eventId, e.streamRevision, e.duplicate]))).toEqual([
          [[x, 0, true]],
          [[y, 0, false]],
        ]);
        expect((await store.readStream(a)).map((e) => e.eventId)).toEqual([x]);
        expect((await store.readStream(b)).map((e) => e.eventId)).toEqual([y]);
      });
    });

    describe('the global log', () => {
      it('reads every event once in pages, each stream in revision order', async () => {
        const prefix = `paging-${randomUUID()}`;
        const streams = [0, 1, 2].map((i) => `${prefix}-${i}`);
        for (let round = 0; round < 5; round++) {
          await store.appendMany(streams.map((s) => ({ streamId: s, events: [anEvent(round), anEvent(round)] })));
        }
        const events = await readAllOf(store, (e) => e.streamId.startsWith(prefix));
        expect(events).toHaveLength(30);
        expect(new Set(events.map((e) => e.eventId)).size).toBe(30);
        for (const s of streams) {
          expect(events.filter((e) => e.streamId === s).map((e) => e.streamRevision)).toEqual([
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
          ]);
        }
        const middle = events[14]!;
        const rest = await store.readAll({ after: middle.position, maxCount: 10000 });
        expect(rest.filter((e) => e.streamId.startsWith(prefix)).map((e) => e.eventId)).toEqual(
          events.slice(15).map((e) => e.eventId),
        );
      });

      it('orders its positions as the log does: START first, then each event after the one before', async () => {
        const prefix = `order-${randomUUID()}`;
        await store.append(`${prefix}-a`, [anEvent(0)]);
        await store.append(`${prefix}-b`, [anEvent(1), anEvent(2)]);
        const events = await readAllOf(store, (e) => e.streamId.startsWith(prefix));
        expect(events).toHaveLength(3);
        const [first, second, third] = events.map((e) => e.position) as [string, string, string];
        expect(store.comparePositions(START, first)).toBeLessThan(0);
        expect(store.comparePositions(first, second)).toBeLessThan(0);
        expect(store.comparePositions(third, second)).toBeGreaterThan(0);
        expect(store.comparePositions(second, second)).toBe(0);
        expect(store.comparePositions(START, START)).toBe(0);
      });

      it('subscribes: catches up from a position, then follows live appends', async () => {
        const prefix = `subscribe-${randomUUID()}`;
        await store.append(`${prefix}-a`, [anEvent(1), anEvent(2)]);
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribeToAll(
          async (events) => {
            seen.push(...events.filter((e) => e.streamId.startsWith(prefix)));
          },
          { idleDelayMs: 10 },
        );
        try {
          await eventually(
            async () => seen.length,
            (n) => n === 2,
            { what: 'catch-up' },
          );
          await store.append(`${prefix}-b`, [anEvent(3)]);
          await store.append(`${prefix}-a`, [anEvent(4)]);
          const live = await eventually(
            async () => seen.map((e) => (e.data as { n: number }).n),
            (n) => n.length === 4,
            {
              what: 'live events',
            },
          );
          expect(live).toEqual([1, 2, 3, 4]);
        } finally {
          await subscription.stop();
        }
      });

      it('ends a subscription with the handler error, so its owner resumes from its checkpoint', async () => {
        await store.append(newStream(), [anEvent(1)]);
        const subscription = store.subscribeToAll(async () => {
          throw new Error('projection failed');
        });
        await expect(subscription.closed).rejects.toThrow('projection failed');
      });

      it('delivers every committed event exactly once, in one stable order, to a subscriber reading during concurrent writes', async () => {
        const prefix = `concurrent-${randomUUID()}`;
        const writers = 16;
        const appendsPerWriter = 60;
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribeToAll(
          async (events) => {
            seen.push(...events.filter((e) => e.streamId.startsWith(prefix)));
          },
          { idleDelayMs: 1, maxCount: 97 },
        );
        const committed = new Set<string>();
        let conflicts = 0;
        try {
          await Promise.all(
            Array.from({ length: writers }, async (_, w) => {
              for (let i = 0; i < appendsPerWriter; i++) {
                // Shared streams make writers contend; some appends carry stale revisions and fail whole.
                const shared = `${prefix}-shared-${i % 5}`;
                const own = `${prefix}-writer-${w}`;
                const expected = i % 7 === 0 ? 0 : 'any';
                const events = [anEvent(i), anEvent(i)];
                try {
                  // Only an atomic store can say what a failed multi-stream append left behind: nothing.
                  const results =
                    i % 3 === 0 && store.capabilities.atomicMultiStreamAppend
                      ? await store.appendMany([
                          { streamId: own, events },
                          { streamId: shared, events: [anEvent(i)], expectedRevision: expected },
                        ])
                      : [await store.append(i % 2 ? shared : own, events, { expectedRevision: expected })];
                  results.forEach((r) => r.events.forEach((e) => committed.add(e.eventId)));
                } catch (error) {
                  if (!(error instanceof StreamRevisionConflict)) throw error;
                  conflicts++;
                }
              }
            }),
          );
          await eventually(
            async () => seen.length,
            (n) => n >= committed.size,
            { timeoutMs: 60000, what: 'the subscriber' },
          );
        } finally {
          await subscription.stop();
        }

        const ids = seen.map((e) => e.eventId);
        expect(conflicts).toBeGreaterThan(0);
        expect(new Set(ids).size).toBe(ids.length); // nothing delivered twice
        expect(new Set(ids)).toEqual(committed); // nothing skipped, nothing that did not commit
        const byStream = new Map<string, number[]>();
        for (const e of seen) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e.streamRevision]);
        for (const revisions of byStream.values()) {
          expect(revisions).toEqual(revisions.map((_, i) => i)); // each stream in revision order, no gap
        }
        // Read again after the fact: the same events in the same order the live subscriber saw.
        const reread = await readAllOf(store, (e) => e.streamId.startsWith(prefix));
        expect(reread.map((e) => e.eventId)).toEqual(ids);
      });
    });
  });
}

import { randomUUID } from 'node:crypto';
import {
  CopyDiverged,
  PostgresEventStore,
  START,
  copyEvents,
  type CopyProgress,
  type EventStore,
  type RecordedEvent,
} from '@c360/event-store';
import { createTestDatabase, type TestDatabase } from '@c360/testing';
import { readAllOf } from './event-store.contract.js';

// The store migration command's core, PostgreSQL to PostgreSQL here (no EventStoreDB on this machine):
// it only uses the port, so the same holds for a copy into EventStoreDB.
describe('copying an event store to another, in global order and resumably', () => {
  let databases: TestDatabase[];
  let source: EventStore;
  let target: EventStore;

  beforeEach(async () => {
    databases = await Promise.all([createTestDatabase(), createTestDatabase()]);
    [source, target] = databases.map((d) => new PostgresEventStore({ connectionString: d.url, poolSize: 4 }));
  });
  afterEach(async () => {
    await Promise.all([source.close(), target.close()]);
    await Promise.all(databases.map((d) => d.drop()));
  });

  const comparable = (events: RecordedEvent[]) =>
    events.map((e) => ({
      eventId: e.eventId,
      streamId: e.streamId,
      streamRevision: e.streamRevision,
      type: e.type,
      data: e.data,
      metadata: { ...e.metadata, recordedAt: undefined },
    }));

  async function givenInterleavedHistory(streams: number, rounds: number): Promise<void> {
    const ids = Array.from({ length: streams }, () => `customer-${randomUUID()}`);
    for (let round = 0; round < rounds; round++) {
      for (const [i, streamId] of ids.entries()) {
        const events = Array.from({ length: 1 + ((round + i) % 3) }, (_, k) => ({
          eventId: randomUUID(),
          type: 'CallHandled',
          data: { round, k },
          metadata: { channel: 'call-center', schemaVersion: 1, occurredAt: '2026-11-01T10:00:00.000Z' },
        }));
        await source.append(streamId, events);
      }
    }
  }

  it('copies every stream at the same revisions, in the source’s global order', async () => {
    await givenInterleavedHistory(4, 6);
    const batches: CopyProgress[] = [];
    const done = await copyEvents(source, target, { batchSize: 7, onBatch: (p) => void batches.push(p) });

    const [from, to] = [await readAllOf(source), await readAllOf(target)];
    expect(comparable(to)).toEqual(comparable(from));
    expect(done).toMatchObject({ read: from.length, duplicates: 0, position: from[from.length - 1]!.position });
    expect(batches.map((b) => b.read)).toEqual(batches.map((_, i) => Math.min((i + 1) * 7, from.length)));
  });

  it('resumes after the last saved position, and a run from the start stores nothing twice', async () => {
    await givenInterleavedHistory(3, 5);
    const stop = new AbortController();
    let saved = START;
    // The first run is stopped after two batches, as a crash or Ctrl-C would.
    await copyEvents(source, target, {
      batchSize: 5,
      signal: stop.signal,
      onBatch: (p) => {
        saved = p.position;
        if (p.read >= 10) stop.abort();
      },
    });
    expect(await readAllOf(target)).toHaveLength(10);

    const resumed = await copyEvents(source, target, { after: saved, batchSize: 5 });
    const all = await readAllOf(source);
    expect(resumed).toMatchObject({ read: all.length - 10, duplicates: 0 });
    expect(comparable(await readAllOf(target))).toEqual(comparable(all));

    const again = await copyEvents(source, target, { batchSize: 50 });
    expect(again).toMatchObject({ read: all.length, duplicates: all.length });
    expect(await readAllOf(target)).toHaveLength(all.length);
  });

  it('refuses to copy into a target whose stream holds other events', async () => {
    await givenInterleavedHistory(1, 1);
    const [first] = await readAllOf(source);
    await target.append(first!.streamId, [{ type: 'CallHandled', data: {}, metadata: {} }]);

    await expect(copyEvents(source, target)).rejects.toBeInstanceOf(CopyDiverged);
  });
});

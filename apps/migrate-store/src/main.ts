import 'reflect-metadata';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { C360_SCHEMA, runMigrations } from '@c360/database';
import { START, copyEvents, openEventStore, type EventStore, type GlobalPosition } from '@c360/event-store';

const HELP = `Copies every event from one event store to another, in global order (docs/event-stores.md).

  npm run store:migrate -- --from postgres://c360@localhost:5432/c360 --to esdb://localhost:2113?tls=false

  --from         source store (postgres://… or esdb://…); default DATABASE_URL
  --to           target store (esdb://… or postgres://…); default EVENTSTORE_URL
  --checkpoint   file holding the source position copied so far; default .data/store-migration.json
  --batch        events per read; default 1000
  --restart      ignore the checkpoint and start from the first event (nothing is stored twice)

Stop it at any time (Ctrl-C); run it again to resume after the last batch it finished.
`;

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: process.env.DATABASE_URL },
    to: { type: 'string', default: process.env.EVENTSTORE_URL },
    checkpoint: { type: 'string', default: path.join('.data', 'store-migration.json') },
    batch: { type: 'string', default: '1000' },
    restart: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || !values.from || !values.to || !(Number(values.batch) > 0)) {
  process.stdout.write(HELP);
  process.exit(values.help ? 0 : 2);
}
const [from, to, checkpointFile] = [values.from, values.to, values.checkpoint];

async function storeAt(url: string): Promise<EventStore> {
  if (/^esdb(\+discover)?:\/\//.test(url)) return openEventStore({ adapter: 'eventstoredb', connectionString: url });
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`Not an event store URL (postgres:// or esdb://): ${url}`);
  await runMigrations(url, C360_SCHEMA);
  return openEventStore({ connectionString: url, poolSize: 4 });
}

function readCheckpoint(): { position: GlobalPosition; copied: number } {
  try {
    return JSON.parse(readFileSync(checkpointFile, 'utf8')) as { position: GlobalPosition; copied: number };
  } catch {
    return { position: START, copied: 0 };
  }
}

function saveCheckpoint(state: { position: GlobalPosition; copied: number }): void {
  mkdirSync(path.dirname(checkpointFile), { recursive: true });
  // Write then rename, so a crash leaves the old checkpoint or the new one, never half of one.
  writeFileSync(`${checkpointFile}.tmp`, JSON.stringify({ ...state, from: redact(from), to: redact(to) }));
  renameSync(`${checkpointFile}.tmp`, checkpointFile);
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//…@');
}

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

const resumed = values.restart ? { position: START, copied: 0 } : readCheckpoint();
let source: EventStore | undefined;
let target: EventStore | undefined;
try {
  [source, target] = [await storeAt(from), await storeAt(to)];
  process.stderr.write(
    `Copying ${redact(from)} → ${redact(to)}, ${resumed.position === START ? 'from the first event' : `resuming after ${resumed.position} (${resumed.copied} events copied before)`}\n`,
  );
  const done = await copyEvents(source, target, {
    after: resumed.position,
    batchSize: Number(values.batch),
    signal: stop.signal,
    onBatch: (progress) => {
      saveCheckpoint({ position: progress.position, copied: resumed.copied + progress.read });
      process.stderr.write(
        `\r${resumed.copied + progress.read} events copied (${progress.duplicates} already there), ${progress.eventsPerSecond}/s, at ${progress.position}   `,
      );
    },
  });
  process.stderr.write(
    `\n${stop.signal.aborted ? 'Stopped; run again to resume' : 'Done'}: ${done.read} events this run, checkpoint ${checkpointFile}\n`,
  );
} catch (error) {
  process.stderr.write(`\nThe copy failed: ${(error as Error).message}\nRun again to resume from the checkpoint.\n`);
  process.exitCode = 1;
} finally {
  await Promise.allSettled([source?.close(), target?.close()]);
}

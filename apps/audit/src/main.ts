import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { InvalidConfiguration, loadConfig } from '@c360/config';
import { customerStreamId } from '@c360/domain';
import { verifyChains } from '@c360/event-store';
import { openMigratedDatabase } from '@c360/observability';
import pg from 'pg';

const HELP = `Checks the hash chains of the event store (docs/audit-and-replay.md).

  npm run audit -- verify <customerId> [<customerId>…]   the streams of these customers
  npm run audit -- verify --all                            every stream

Exits 1 when a chain is broken, naming the first broken link of each stream.
Uses DATABASE_URL, or the embedded database under DATA_DIR like npm start.
`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { all: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
});
const [command, ...customers] = positionals;
if (values.help || command !== 'verify' || (!values.all && customers.length === 0)) {
  process.stdout.write(HELP);
  process.exit(values.help ? 0 : 2);
}

let database: Awaited<ReturnType<typeof openMigratedDatabase>> | undefined;
const client = { current: undefined as pg.Client | undefined };
try {
  const config = loadConfig();
  if (config.EVENT_STORE !== 'postgres') {
    throw new Error('hash chains are kept by the PostgreSQL event store only (EVENT_STORE=postgres)');
  }
  database = await openMigratedDatabase(config);
  client.current = new pg.Client({ connectionString: database.url });
  await client.current.connect();
  const streams = await verifyChains(
    async (sql, params) => (await client.current!.query(sql, params)).rows,
    values.all ? undefined : customers.map(customerStreamId),
  );
  const broken = streams.filter((s) => !s.intact);
  for (const s of broken) {
    process.stdout.write(
      `BROKEN ${s.streamId}: first broken link at revision ${s.firstBrokenLink!.streamRevision} ` +
        `(event ${s.firstBrokenLink!.eventId})\n`,
    );
  }
  const events = streams.reduce((n, s) => n + s.events, 0);
  process.stdout.write(
    `${streams.length} stream(s), ${events} event(s) checked: ${broken.length === 0 ? 'every chain intact' : `${broken.length} broken`}.\n`,
  );
  process.exitCode = broken.length === 0 ? 0 : 1;
} catch (error) {
  const invalid = error instanceof InvalidConfiguration;
  process.stderr.write(`${invalid ? '' : 'The check failed: '}${(error as Error).message}\n`);
  process.exitCode = invalid ? 78 : 1;
} finally {
  await client.current?.end();
  await database?.stop();
}

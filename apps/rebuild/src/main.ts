import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { InvalidConfiguration, loadConfig } from '@c360/config';
import { IdentityIndex } from '@c360/identity';
import { openMigratedDatabase, serviceModules } from '@c360/observability';
import { ProjectorModule, ProjectorService } from '@c360/projections';
import { READ_MODEL_PROJECTIONS, ScoringModule } from '@c360/read-models';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';

const HELP = `Rebuilds a projection from the first event while the service keeps serving the current tables
(docs/audit-and-replay.md). An interrupted rebuild resumes where it stopped; --restart starts it over.

  npm run rebuild -- <projection> [--restart]
  npm run rebuild -- --list
  npm run rebuild -- --customer <id>    re-runs the per-customer projections for one customer only

Uses DATABASE_URL, or the embedded database under DATA_DIR like npm start.
`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    restart: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    customer: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

@Module({})
class RebuildModule {}

const [name] = positionals;
if (values.help || (!values.list && !name && !values.customer)) {
  process.stdout.write(HELP);
  process.exit(values.help ? 0 : 2);
}
let database: Awaited<ReturnType<typeof openMigratedDatabase>> | undefined;
let app: INestApplicationContext | undefined;
try {
  // The projections as the service wires them, with the projector itself off: only the rebuild runs here.
  const config = loadConfig({ ...process.env, PROJECTOR: 'off', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  database = await openMigratedDatabase(config);
  app = await NestFactory.createApplicationContext(
    {
      module: RebuildModule,
      imports: [
        ...serviceModules(config, database.url, 'c360-rebuild'),
        ScoringModule,
        ProjectorModule.forRoot(READ_MODEL_PROJECTIONS),
      ],
    },
    { logger: ['error', 'warn'] },
  );
  const service = app.get(ProjectorService);
  if (values.list) {
    process.stdout.write(`${service.names.join('\n')}\n`);
  } else if (values.customer) {
    const identity = new IdentityIndex(app.get(DataSource));
    const rootId = await identity.rootOf(values.customer);
    if (rootId === undefined) throw new Error(`No customer ${values.customer}`);
    const members = await identity.membersOf(rootId);
    for (const result of await service.replayer.replay(members)) {
      process.stdout.write(`${result.projection}: ${result.events} events of ${members.join(', ')} applied again\n`);
    }
  } else {
    const started = Date.now();
    const result = await service.rebuilder.rebuild(name!, {
      restart: values.restart,
      onProgress: (p) => {
        const eta = p.etaSeconds === null ? '' : `, about ${p.etaSeconds} s left`;
        const line = `${p.projection}: ${p.state}, ${p.eventsDone} of ~${p.eventsExpected} events, ${p.eventsPerSecond}/s${eta}`;
        process.stdout.write(process.stdout.isTTY ? `\r${line}\u001b[K` : `${line}\n`);
      },
    });
    process.stdout.write(
      `\n${result.projection} rebuilt from ${result.resumed ? 'where it stopped' : 'the first event'}: ` +
        `${result.eventsDone} events in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
    );
  }
} catch (error) {
  const invalid = error instanceof InvalidConfiguration;
  process.stderr.write(`${invalid ? '' : 'The rebuild failed: '}${(error as Error).message}\n`);
  process.exitCode = invalid ? 78 : 1;
} finally {
  await app?.close();
  await database?.stop();
}

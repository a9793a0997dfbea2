import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ApiKeys, validateNewKey } from '@c360/access';
import { InvalidConfiguration, loadConfig } from '@c360/config';
import { C360_SCHEMA } from '@c360/database';
import { PostgresEventStore } from '@c360/event-store';
import { ApiError } from '@c360/http';
import { openMigratedDatabase } from '@c360/observability';
import { DataSource } from 'typeorm';

const HELP = `Manages API keys (docs/security.md).

  npm run keys -- create --name "web shop" --role channel --channels web,mobile-app
  npm run keys -- create --name "Ana (analyst)" --role analyst
  npm run keys -- list
  npm run keys -- revoke <id>

Roles: channel, agent, analyst, auditor, admin. The key is printed once, at creation.
Uses DATABASE_URL, or the embedded database under DATA_DIR like npm start.
`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    role: { type: 'string' },
    channels: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
const [command, id] = positionals;
if (values.help || !command || !['create', 'list', 'revoke'].includes(command)) {
  process.stdout.write(HELP);
  process.exit(values.help ? 0 : 2);
}

let database: Awaited<ReturnType<typeof openMigratedDatabase>> | undefined;
let dataSource: DataSource | undefined;
let store: PostgresEventStore | undefined;
try {
  const config = loadConfig();
  database = await openMigratedDatabase(config);
  dataSource = await new DataSource({
    type: 'postgres',
    url: database.url,
    entities: C360_SCHEMA.entities,
  }).initialize();
  store = new PostgresEventStore({ connectionString: database.url, poolSize: 1 });
  const keys = new ApiKeys(dataSource, store);
  const who = `command line (${process.env.USER ?? 'unknown user'})`;
  if (command === 'create') {
    const input = validateNewKey({
      name: values.name,
      role: values.role,
      channels: values.channels ? values.channels.split(',').map((c) => c.trim()) : undefined,
    });
    const { key, summary } = await keys.create({ ...input, createdBy: who });
    process.stdout.write(
      `Created key ${summary.id} (${summary.role}${summary.channels.length ? `: ${summary.channels.join(', ')}` : ''}). Keep it now; it is not shown again:\n\n  ${key}\n\n`,
    );
  } else if (command === 'list') {
    for (const k of await keys.list()) {
      process.stdout.write(
        `${k.id}  ${k.role.padEnd(8)} ${k.revokedAt ? 'revoked ' : 'active  '} ${k.name}${k.channels.length ? ` [${k.channels.join(', ')}]` : ''}  created ${k.createdAt} by ${k.createdBy}\n`,
      );
    }
  } else if (!id || !(await keys.revoke(id, who))) {
    process.stderr.write(`No active key ${id ?? '(give its id)'}; see: npm run keys -- list\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`Revoked key ${id}.\n`);
  }
} catch (error) {
  if (error instanceof ApiError) {
    process.stderr.write(`${error.message}\n\n${HELP}`);
    process.exitCode = 2;
  } else if (error instanceof InvalidConfiguration) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 78;
  } else throw error;
} finally {
  await store?.close();
  await dataSource?.destroy();
  await database?.stop();
}
// The embedded database's exit hook would otherwise end the process with 0 whatever happened.
process.exit(process.exitCode ?? 0);

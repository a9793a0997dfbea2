import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiKeys } from '@c360/access';
import type { AppConfig } from '@c360/config';
import type { RunningDatabase } from '@c360/database';
import { configureHttp } from '@c360/http';
import { openMigratedDatabase } from '@c360/observability';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';

export interface StartedService {
  app: INestApplication;
  url: string;
  database: RunningDatabase;
  stop(): Promise<void>;
}

/**
 * On the first start, with no key at all, an admin key is created and shown once. A copy goes to
 * DATA_DIR/admin-key (readable by this user only) for the quick start; the service keeps only its hash.
 */
async function ensureAdminKey(app: INestApplication, config: AppConfig, say: (line: string) => void): Promise<void> {
  const keys = app.get(ApiKeys);
  if (config.API_KEY || (await keys.count()) > 0) return;
  const { key } = await keys.create({ name: 'initial admin', role: 'admin', createdBy: 'first start' });
  const file = path.resolve(config.DATA_DIR, 'admin-key');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  say(`Created the first admin API key (shown this once; a copy is in ${file}):\n\n  ${key}\n`);
  say('Send it in the x-api-key header. Create keys for channels, agents and analysts with `npm run keys -- create`.');
}

/** Opens the database (embedded by default), migrates it, and starts the service. */
export async function startService(
  config: AppConfig,
  say: (line: string) => void = () => undefined,
): Promise<StartedService> {
  const database = await openMigratedDatabase(config);
  if (database.applied.length) say(`Applied migrations: ${database.applied.join(', ')}`);

  const app = await NestFactory.create(AppModule.forRoot(config, database.url), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  configureHttp(app, { corsOrigins: config.CORS_ORIGINS, consoleDir: config.CONSOLE_DIR });
  await ensureAdminKey(app, config, say);
  await app.listen(config.PORT, config.HOST);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.HOST}:${address.port}`;
  return {
    app,
    url,
    database,
    stop: async () => {
      await app.close();
      await database.stop();
    },
  };
}

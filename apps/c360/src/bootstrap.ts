import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

/** Without API_KEY, the embedded default generates one into the data folder and says where it is, once. */
function resolveApiKey(config: AppConfig, say: (line: string) => void): string {
  if (config.API_KEY) return config.API_KEY;
  const file = path.resolve(config.DATA_DIR, 'api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(24).toString('base64url');
  writeFileSync(file, key, { mode: 0o600 });
  say(`Generated an API key for this installation. It is in ${file}; send it as the x-api-key header.`);
  return key;
}

/** Opens the database (embedded by default), migrates it, and starts the service. */
export async function startService(
  config: AppConfig,
  say: (line: string) => void = () => undefined,
): Promise<StartedService> {
  const database = await openMigratedDatabase(config);
  if (database.applied.length) say(`Applied migrations: ${database.applied.join(', ')}`);
  config.API_KEY = resolveApiKey(config, say);

  const app = await NestFactory.create(AppModule.forRoot(config, database.url), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  configureHttp(app);
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

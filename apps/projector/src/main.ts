import 'reflect-metadata';
import { InvalidConfiguration, loadConfig } from '@c360/config';
import { C360_SCHEMA, openDatabase, runMigrations } from '@c360/database';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ProjectorAppModule } from './projector-app.module.js';

try {
  const config = loadConfig();
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    embeddedPort: config.EMBEDDED_POSTGRES_PORT,
    log: () => undefined,
  });
  await runMigrations(database.url, C360_SCHEMA);
  const app = await NestFactory.createApplicationContext(ProjectorAppModule.forRoot(config, database.url), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
} catch (error) {
  process.stderr.write(
    error instanceof InvalidConfiguration
      ? `${error.message}\n`
      : `Projector failed to start: ${(error as Error).stack}\n`,
  );
  process.exit(error instanceof InvalidConfiguration ? 78 : 1);
}

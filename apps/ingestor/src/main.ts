import 'reflect-metadata';
import { InvalidConfiguration, loadConfig } from '@c360/config';
import { C360_SCHEMA, openDatabase, runMigrations } from '@c360/database';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { IngestorAppModule } from './ingestor-app.module.js';

try {
  const config = loadConfig();
  if (!config.KAFKA_BROKERS)
    throw new InvalidConfiguration(['KAFKA_BROKERS: required by the ingestor (e.g. 127.0.0.1:9092)']);
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    embeddedPort: config.EMBEDDED_POSTGRES_PORT,
    log: () => undefined,
  });
  await runMigrations(database.url, C360_SCHEMA);
  const app = await NestFactory.createApplicationContext(IngestorAppModule.forRoot(config, database.url), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
} catch (error) {
  process.stderr.write(
    error instanceof InvalidConfiguration
      ? `${error.message}\n`
      : `Ingestor failed to start: ${(error as Error).stack}\n`,
  );
  process.exit(error instanceof InvalidConfiguration ? 78 : 1);
}

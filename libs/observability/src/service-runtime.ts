import { ConfigModule, InvalidConfiguration, loadConfig, type AppConfig } from '@c360/config';
import { C360_SCHEMA, openDatabase, runMigrations, type RunningDatabase } from '@c360/database';
import { EventStoreModule } from '@c360/event-store';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Logger } from 'nestjs-pino';
import { loggingModule } from './logging.js';

/** What every process of the service stands on: configuration, logs, the read-model database, the event store. */
export function serviceModules(config: AppConfig, databaseUrl: string, processName: string): DynamicModule[] {
  return [
    ConfigModule.forRoot(config),
    loggingModule(config.LOG_LEVEL),
    TypeOrmModule.forRoot({
      type: 'postgres',
      url: databaseUrl,
      entities: C360_SCHEMA.entities,
      synchronize: false,
      extra: {
        max: config.DATABASE_POOL_SIZE,
        application_name: processName,
        statement_timeout: config.QUERY_TIMEOUT_MS,
      },
    }),
    CqrsModule.forRoot(),
    EventStoreModule.forRoot({
      ...(config.EVENT_STORE === 'eventstoredb'
        ? { adapter: 'eventstoredb', connectionString: config.EVENTSTORE_URL! }
        : { connectionString: databaseUrl, poolSize: config.DATABASE_POOL_SIZE }),
      customerKeysUrl: databaseUrl,
    }),
  ];
}

/** The configured database (or the embedded one), migrated to the current schema. */
export async function openMigratedDatabase(config: AppConfig): Promise<RunningDatabase & { applied: string[] }> {
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    embeddedPort: config.EMBEDDED_POSTGRES_PORT,
    log: () => undefined,
  });
  return { ...database, applied: await runMigrations(database.url, C360_SCHEMA) };
}

/**
 * Runs a process without HTTP (projector, ingestor): validated configuration, a migrated database, its
 * module, graceful shutdown. A bad configuration exits 78 naming the variable.
 */
export async function runWorker(
  name: string,
  module: (config: AppConfig, databaseUrl: string) => DynamicModule,
  requires: (config: AppConfig) => string[] = () => [],
): Promise<void> {
  try {
    const config = loadConfig();
    const missing = requires(config);
    if (missing.length) throw new InvalidConfiguration(missing);
    const database = await openMigratedDatabase(config);
    const app = await NestFactory.createApplicationContext(module(config, database.url), { bufferLogs: true });
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks();
    await app.init();
  } catch (error) {
    const invalid = error instanceof InvalidConfiguration;
    process.stderr.write(invalid ? `${error.message}\n` : `The ${name} failed to start: ${(error as Error).stack}\n`);
    process.exit(invalid ? 78 : 1);
  }
}

import { DataSource, type DataSourceOptions } from 'typeorm';

export interface SchemaParts {
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
}

/** Runs pending migrations in their own connection; start-up calls this before serving. */
export async function runMigrations(url: string, schema: SchemaParts): Promise<string[]> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTableName: 'c360_migrations',
    migrationsTransactionMode: 'each',
  });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations();
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

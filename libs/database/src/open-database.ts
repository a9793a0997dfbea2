import path from 'node:path';
import { startEmbeddedPostgres, type RunningDatabase } from './embedded-postgres.js';

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  embeddedPort: number;
  log: (message: string) => void;
}

/** The configured server, or else the embedded default under the data folder. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<RunningDatabase> {
  if (options.databaseUrl) return { url: options.databaseUrl, stop: async () => undefined };
  return startEmbeddedPostgres({
    dataDir: path.join(options.dataDir, 'postgres'),
    port: options.embeddedPort,
    log: options.log,
  });
}

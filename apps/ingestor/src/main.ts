import 'reflect-metadata';
import { runWorker } from '@c360/observability';
import { IngestorAppModule } from './ingestor-app.module.js';

await runWorker(
  'ingestor',
  (config, databaseUrl) => IngestorAppModule.forRoot(config, databaseUrl),
  (config) => (config.KAFKA_BROKERS ? [] : ['KAFKA_BROKERS: required by the ingestor (e.g. 127.0.0.1:9092)']),
);

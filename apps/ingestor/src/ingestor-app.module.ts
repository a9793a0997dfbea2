import { ConfigModule, type AppConfig } from '@c360/config';
import { EventStoreModule } from '@c360/event-store';
import { KafkaIngestionModule } from '@c360/messaging';
import { loggingModule } from '@c360/observability';
import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';

/** The Kafka ingestor alone: touchpoints topic in, customer streams out. */
@Module({})
export class IngestorAppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: IngestorAppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config.LOG_LEVEL),
        CqrsModule.forRoot(),
        EventStoreModule.forRoot({ connectionString: databaseUrl, poolSize: config.DATABASE_POOL_SIZE }),
        KafkaIngestionModule,
      ],
    };
  }
}

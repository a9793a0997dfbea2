import { ConfigModule, type AppConfig } from '@c360/config';
import { C360_SCHEMA } from '@c360/database';
import { EventStoreModule } from '@c360/event-store';
import { IngestionHttpModule } from '@c360/ingestion';
import { KafkaIngestionModule } from '@c360/messaging';
import { loggingModule, ObservabilityModule } from '@c360/observability';
import { ProjectorModule } from '@c360/projections';
import { QueryApiModule } from '@c360/query-api';
import { READ_MODEL_PROJECTIONS } from '@c360/read-models';
import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';

/** The all-in-one service: HTTP ingestion (and Kafka's when KAFKA_BROKERS is set), the projector and the query API. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config.LOG_LEVEL),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: databaseUrl,
          entities: C360_SCHEMA.entities,
          synchronize: false,
          migrationsRun: false,
          extra: { max: config.DATABASE_POOL_SIZE, application_name: 'c360' },
        }),
        CqrsModule.forRoot(),
        EventStoreModule.forRoot({ connectionString: databaseUrl, poolSize: config.DATABASE_POOL_SIZE }),
        ProjectorModule.forRoot(READ_MODEL_PROJECTIONS),
        IngestionHttpModule,
        ...(config.KAFKA_BROKERS ? [KafkaIngestionModule] : []),
        QueryApiModule,
        ObservabilityModule,
      ],
    };
  }
}

import { AccessModule } from '@c360/access';
import type { AppConfig } from '@c360/config';
import { IdentityHttpModule } from '@c360/identity';
import { IngestionHttpModule } from '@c360/ingestion';
import { KafkaIngestionModule } from '@c360/messaging';
import { ObservabilityModule, serviceModules } from '@c360/observability';
import { ProjectorModule } from '@c360/projections';
import { QueryApiModule } from '@c360/query-api';
import { READ_MODEL_PROJECTIONS, ScoringModule } from '@c360/read-models';
import { Module, type DynamicModule } from '@nestjs/common';

/** The all-in-one service: HTTP ingestion (and Kafka's when KAFKA_BROKERS is set), the projector and the query API. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...serviceModules(config, databaseUrl, 'c360'),
        AccessModule,
        ScoringModule,
        ProjectorModule.forRoot(READ_MODEL_PROJECTIONS),
        IngestionHttpModule,
        IdentityHttpModule,
        ...(config.KAFKA_BROKERS ? [KafkaIngestionModule] : []),
        QueryApiModule,
        ObservabilityModule,
      ],
    };
  }
}

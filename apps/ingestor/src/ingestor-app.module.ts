import type { AppConfig } from '@c360/config';
import { KafkaIngestionModule } from '@c360/messaging';
import { serviceModules } from '@c360/observability';
import { Module, type DynamicModule } from '@nestjs/common';

/** The Kafka ingestor alone: touchpoints topic in, customer streams out. */
@Module({})
export class IngestorAppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: IngestorAppModule,
      imports: [...serviceModules(config, databaseUrl, 'c360-ingestor'), KafkaIngestionModule],
    };
  }
}

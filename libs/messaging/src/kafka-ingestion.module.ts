import { IngestionModule } from '@c360/ingestion';
import { Global, Module } from '@nestjs/common';
import { KafkaIngestorService } from './kafka-ingestor.service.js';

/** The Kafka ingestor; global so that /health and /metrics can report it when it runs. */
@Global()
@Module({ imports: [IngestionModule], providers: [KafkaIngestorService], exports: [KafkaIngestorService] })
export class KafkaIngestionModule {}

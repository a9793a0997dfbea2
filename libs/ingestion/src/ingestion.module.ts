import { Module } from '@nestjs/common';
import { IngestionMetrics } from './ingestion.metrics.js';
import { RecordTouchpointsHandler } from './record-touchpoints.handler.js';
import { TouchpointsController } from './touchpoints.controller.js';

@Module({
  controllers: [TouchpointsController],
  providers: [RecordTouchpointsHandler, IngestionMetrics],
  exports: [IngestionMetrics],
})
export class IngestionModule {}

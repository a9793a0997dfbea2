import { IdentityModule } from '@c360/identity';
import { Module } from '@nestjs/common';
import { IngestionMetrics } from './ingestion.metrics.js';
import { RecordTouchpointsHandler } from './record-touchpoints.handler.js';
import { TouchpointsController } from './touchpoints.controller.js';

/** Recording touchpoints, whatever the channel they come through. */
@Module({
  imports: [IdentityModule],
  providers: [RecordTouchpointsHandler, IngestionMetrics],
  exports: [IngestionMetrics],
})
export class IngestionModule {}

/** The HTTP adapter: POST /v1/touchpoints and /v1/touchpoints/batch. */
@Module({ imports: [IngestionModule], controllers: [TouchpointsController] })
export class IngestionHttpModule {}

import { IdentityModule } from '@c360/identity';
import { Module } from '@nestjs/common';
import { IngestionMetrics } from './ingestion.metrics.js';
import { MarketingSpendController } from './marketing-spend.controller.js';
import { RecordMarketingSpendHandler } from './record-marketing-spend.handler.js';
import { RecordTouchpointsHandler } from './record-touchpoints.handler.js';
import { TouchpointsController } from './touchpoints.controller.js';

/** Recording touchpoints, whatever the channel they come through. */
@Module({
  imports: [IdentityModule],
  providers: [RecordTouchpointsHandler, RecordMarketingSpendHandler, IngestionMetrics],
  exports: [IngestionMetrics],
})
export class IngestionModule {}

/** The HTTP adapter: POST /v1/touchpoints and /v1/touchpoints/batch. */
@Module({ imports: [IngestionModule], controllers: [TouchpointsController, MarketingSpendController] })
export class IngestionHttpModule {}

import { IdentityModule } from '@c360/identity';
import { ReadModelsModule } from '@c360/read-models';
import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller.js';
import { CustomerHistoryController } from './customer-history.controller.js';
import { CustomerLookupController } from './customer-lookup.controller.js';
import { CustomerProfileController } from './customer-profile.controller.js';
import { CustomerTimelineController } from './customer-timeline.controller.js';
import { KpisController } from './kpis.controller.js';

@Module({
  imports: [ReadModelsModule, IdentityModule],
  controllers: [
    CustomerLookupController,
    CustomerProfileController,
    CustomerTimelineController,
    CustomerHistoryController,
    AnalyticsController,
    KpisController,
  ],
})
export class QueryApiModule {}

import { IdentityModule } from '@c360/identity';
import { ReadModelsModule } from '@c360/read-models';
import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller.js';
import { CustomerLookupController } from './customer-lookup.controller.js';
import { CustomerProfileController } from './customer-profile.controller.js';
import { CustomerTimelineController } from './customer-timeline.controller.js';

@Module({
  imports: [ReadModelsModule, IdentityModule],
  controllers: [CustomerLookupController, CustomerProfileController, CustomerTimelineController, AnalyticsController],
})
export class QueryApiModule {}

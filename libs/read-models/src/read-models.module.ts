import { Module } from '@nestjs/common';
import { GetCustomerTimelineHandler } from './timeline/get-customer-timeline.handler.js';

/** Query handlers over the read models; the projections themselves run in the projector. */
@Module({ providers: [GetCustomerTimelineHandler] })
export class ReadModelsModule {}

import { ReadModelsModule } from '@c360/read-models';
import { Module } from '@nestjs/common';
import { CustomerTimelineController } from './customer-timeline.controller.js';

@Module({ imports: [ReadModelsModule], controllers: [CustomerTimelineController] })
export class QueryApiModule {}

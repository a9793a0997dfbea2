import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { ProjectionsController } from './projections.controller.js';

/** /health and /metrics; they read the projector's state from the (global) projector module. */
@Module({ controllers: [HealthController, MetricsController, ProjectionsController] })
export class ObservabilityModule {}

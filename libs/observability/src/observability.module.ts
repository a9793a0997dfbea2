import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';

/** /health and /metrics; they read the projector's state from the (global) projector module. */
@Module({ controllers: [HealthController, MetricsController] })
export class ObservabilityModule {}

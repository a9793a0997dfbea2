import { PublicWhen, Roles } from '@c360/access';
import { EVENT_STORE, type EventStore } from '@c360/event-store';
import { ProjectorService } from '@c360/projections';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { collectDefaultMetrics, Gauge, register } from 'prom-client';

@ApiTags('operations')
@PublicWhen((config) => config.METRICS_ACCESS === 'open')
@Roles('analyst')
@Controller()
export class MetricsController {
  constructor(@Inject(EVENT_STORE) store: EventStore, projector: ProjectorService) {
    if (!register.getSingleMetric('process_cpu_seconds_total')) collectDefaultMetrics();
    register.removeSingleMetric('c360_oldest_open_transaction_seconds');
    register.removeSingleMetric('c360_projection_events_projected');
    new Gauge({
      name: 'c360_oldest_open_transaction_seconds',
      help: 'Age of the oldest open transaction; projections wait behind it',
      async collect() {
        this.set((await store.health()).oldestOpenTransactionSeconds);
      },
    });
    new Gauge({
      name: 'c360_projection_events_projected',
      help: 'Events each projection has applied',
      labelNames: ['projection'],
      collect() {
        for (const s of projector.projector.status()) this.set({ projection: s.name }, s.eventsProjected);
      },
    });
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiProduces('text/plain')
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}

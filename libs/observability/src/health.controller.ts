import { EVENT_STORE, type EventStore } from '@c360/event-store';
import { ProjectorService } from '@c360/projections';
import { Public } from '@c360/access';
import { KafkaIngestorService } from '@c360/messaging';
import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: ProjectorService,
    @Optional() private readonly kafka?: KafkaIngestorService,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Database, event store and projector state' })
  @ApiOkResponse({ description: 'status ok or degraded' })
  @ApiServiceUnavailableResponse({ description: 'the database is unreachable' })
  async health(@Res({ passthrough: true }) res: Response) {
    const projections = this.projector.enabled ? this.projector.projector.status() : [];
    try {
      await this.dataSource.query('SELECT 1');
      const store = await this.store.health();
      const kafka = this.kafka ? await this.kafka.status() : undefined;
      const degraded = projections.some((p) => p.state === 'retrying') || kafka?.state === 'retrying';
      return {
        status: degraded ? 'degraded' : 'ok',
        database: 'up',
        eventStore: store,
        projector: this.projector.enabled ? 'on' : 'off',
        projections,
        kafka,
      };
    } catch (error) {
      res.status(503);
      return { status: 'down', database: 'down', error: (error as Error).message, projections };
    }
  }
}

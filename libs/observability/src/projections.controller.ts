import { Roles } from '@c360/access';
import { ApiError, ApiErrorCode } from '@c360/http';
import { ProjectorService, RebuildAlreadyRunning, UnknownProjection } from '@c360/projections';
import { Controller, Get, HttpCode, Logger, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';

@ApiTags('operations')
@Controller('v1/projections')
@Roles('analyst', 'auditor')
export class ProjectionsController {
  private readonly logger = new Logger('ProjectionRebuild');

  constructor(
    private readonly projector: ProjectorService,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Each projection: state, position, events projected, lag, and any rebuild in progress' })
  @ApiOkResponse({ description: '{projections: [{name, state, position, eventsProjected, lagSeconds, rebuild?}]}' })
  async list() {
    const checkpoints = (await this.dataSource.query(
      'SELECT name, position, events_projected, updated_at FROM c360_projection_checkpoints',
    )) as { name: string; position: string; events_projected: string; updated_at: Date }[];
    const live = new Map(this.projector.projector.status().map((s) => [s.name, s]));
    const rebuilds = new Map(this.projector.rebuilder.status().map((r) => [r.projection, r]));
    const now = Date.now();
    return {
      projector: this.projector.enabled ? 'on' : 'off',
      projections: this.projector.names.map((name) => {
        const checkpoint = checkpoints.find((c) => c.name === name);
        const status = live.get(name);
        const lagSeconds =
          status?.state === 'live'
            ? 0
            : status?.lastEventRecordedAt
              ? Math.round((now - Date.parse(status.lastEventRecordedAt)) / 100) / 10
              : null;
        return {
          name,
          state: status?.state ?? (this.projector.enabled ? 'starting' : 'off'),
          position: checkpoint?.position ?? 'start',
          eventsProjected: Number(checkpoint?.events_projected ?? 0),
          checkpointUpdatedAt: checkpoint?.updated_at.toISOString() ?? null,
          lagSeconds,
          lastError: status?.lastError,
          rebuild: rebuilds.get(name) ?? (checkpoints.some((c) => c.name === `${name}#rebuild`) ? 'interrupted' : null),
        };
      }),
    };
  }

  @Post(':name/rebuild')
  @Roles()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Rebuild a projection from the first event (admin), while the current tables keep serving',
    description:
      'Runs in the background: follow it in GET /v1/projections. An interrupted rebuild is resumed; ' +
      '`restart=true` starts it over. Readers switch to the rebuilt tables atomically when it is done.',
  })
  @ApiQuery({ name: 'restart', required: false, enum: ['true', 'false'] })
  @ApiAcceptedResponse({ description: '{projection, started: true}' })
  async rebuild(@Param('name') name: string, @Query('restart') restart?: string) {
    if (restart !== undefined && restart !== 'true' && restart !== 'false') {
      throw ApiError.validation([{ field: 'restart', reason: 'restart must be true or false' }]);
    }
    try {
      this.projector.rebuilder.projection(name);
    } catch (error) {
      if (error instanceof UnknownProjection) {
        throw new ApiError(ApiErrorCode.NOT_FOUND, `${error.message}; known: ${this.projector.names.join(', ')}`);
      }
      throw error;
    }
    if (this.projector.rebuilder.isRunning(name)) {
      throw new ApiError(ApiErrorCode.CONFLICT, `A rebuild of ${name} is already running`);
    }
    this.logger.log({ msg: 'rebuild started', projection: name, restart: restart === 'true' });
    void this.projector.rebuilder
      .rebuild(name, {
        restart: restart === 'true',
        onProgress: (p) => {
          if (p.state !== 'running') this.logger.log({ msg: `rebuild ${p.state}`, ...p });
        },
      })
      .catch((error: Error) => {
        const level = error instanceof RebuildAlreadyRunning ? 'warn' : 'error';
        this.logger[level]({ msg: 'rebuild failed', projection: name, error: error.message });
      });
    return { projection: name, started: true };
  }
}

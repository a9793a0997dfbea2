import type { AppConfig } from '@c360/config';
import { serviceModules } from '@c360/observability';
import { ProjectorModule } from '@c360/projections';
import { READ_MODEL_PROJECTIONS, ScoringModule } from '@c360/read-models';
import { Module, type DynamicModule } from '@nestjs/common';

/** The projector alone: reads the event log and maintains the read models, serves no HTTP. */
@Module({})
export class ProjectorAppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: ProjectorAppModule,
      imports: [
        ...serviceModules(config, databaseUrl, 'c360-projector'),
        ScoringModule,
        ProjectorModule.forRoot(READ_MODEL_PROJECTIONS),
      ],
    };
  }
}

import { ConfigModule, type AppConfig } from '@c360/config';
import { C360_SCHEMA } from '@c360/database';
import { EventStoreModule } from '@c360/event-store';
import { loggingModule } from '@c360/observability';
import { ProjectorModule } from '@c360/projections';
import { READ_MODEL_PROJECTIONS } from '@c360/read-models';
import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

/** The projector alone: reads the event log and maintains the read models, serves no HTTP. */
@Module({})
export class ProjectorAppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: ProjectorAppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config.LOG_LEVEL),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: databaseUrl,
          entities: C360_SCHEMA.entities,
          synchronize: false,
          extra: { max: config.DATABASE_POOL_SIZE, application_name: 'c360-projector' },
        }),
        EventStoreModule.forRoot({ connectionString: databaseUrl, poolSize: config.DATABASE_POOL_SIZE }),
        ProjectorModule.forRoot(READ_MODEL_PROJECTIONS),
      ],
    };
  }
}

import { APP_CONFIG, type AppConfig } from '@c360/config';
import { EVENT_STORE, type EventStore } from '@c360/event-store';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
  type Type,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CustomerReplayer } from './customer-replayer.js';
import { PROJECTIONS, type Projection } from './projection.js';
import { ProjectionRebuilder } from './projection-rebuilder.js';
import { Projector } from './projector.js';

@Injectable()
export class ProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projector');
  readonly projector: Projector;
  readonly rebuilder: ProjectionRebuilder;
  readonly replayer: CustomerReplayer;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    dataSource: DataSource,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.rebuilder = new ProjectionRebuilder(store, dataSource, projections);
    this.replayer = new CustomerReplayer(store, dataSource, projections);
    this.projector = new Projector(store, dataSource, projections, {
      batchSize: config.PROJECTOR_BATCH_SIZE,
      idleDelayMs: config.PROJECTOR_IDLE_DELAY_MS,
      log: {
        info: (msg, extra) => this.logger.log({ msg, ...extra }),
        warn: (msg, extra) => this.logger.warn({ msg, ...extra }),
        error: (msg, extra) => this.logger.error({ msg, ...extra }),
      },
    });
  }

  /** The names of the projections this process knows, in their order. */
  get names(): string[] {
    return this.projections.map((p) => p.name);
  }

  get enabled(): boolean {
    return this.config.PROJECTOR === 'on';
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.projector.start();
    this.logger.log({ msg: 'projector started', projections: this.projector.status().map((s) => s.name) });
  }

  /** Before the pools close: the batch in flight commits or rolls back, never meets a closed pool. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.projector.stop();
  }
}

@Module({})
export class ProjectorModule {
  static forRoot(projections: Type<Projection>[]): DynamicModule {
    return {
      module: ProjectorModule,
      global: true,
      providers: [
        ...projections,
        { provide: PROJECTIONS, useFactory: (...instances: Projection[]) => instances, inject: projections },
        ProjectorService,
      ],
      exports: [ProjectorService],
    };
  }
}

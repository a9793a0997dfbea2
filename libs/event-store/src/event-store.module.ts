import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from './event-store.port.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import { PostgresEventStore } from './postgres/postgres-event-store.js';

/** PostgreSQL (the default) on the read-model database, or EventStoreDB at its own URL. */
export type EventStoreModuleOptions =
  | { adapter?: 'postgres'; connectionString: string; poolSize: number }
  | { adapter: 'eventstoredb'; connectionString: string };

/** The adapter the options name. */
export function openEventStore(options: EventStoreModuleOptions): EventStore {
  return options.adapter === 'eventstoredb'
    ? new EventStoreDbEventStore({ connectionString: options.connectionString })
    : new PostgresEventStore({ connectionString: options.connectionString, poolSize: options.poolSize });
}

@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(options: EventStoreModuleOptions): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: EVENT_STORE,
          useFactory: () => openEventStore(options),
        },
      ],
      exports: [EVENT_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

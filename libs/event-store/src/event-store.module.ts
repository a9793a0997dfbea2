import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from './event-store.port.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import { CustomerKeys } from './personal-data/customer-keys.js';
import { ProtectedEventStore } from './personal-data/protected-event-store.js';
import { PostgresEventStore } from './postgres/postgres-event-store.js';

/** Where the events are: PostgreSQL (the default) on the read-model database, or EventStoreDB at its own URL. */
export type EventStoreAdapterOptions =
  | { adapter?: 'postgres'; connectionString: string; poolSize: number }
  | { adapter: 'eventstoredb'; connectionString: string };

/** The service's store: personal data encrypted per customer, with keys in the PostgreSQL database at `customerKeysUrl`. */
export type EventStoreModuleOptions = EventStoreAdapterOptions & { customerKeysUrl: string };

/** Injection token of the per-customer keys (`CustomerKeys`). */
export const CUSTOMER_KEYS = Symbol('CUSTOMER_KEYS');

/** The adapter the options name, behind the personal-data protection when `keys` are given. */
export function openEventStore(options: EventStoreAdapterOptions, keys?: CustomerKeys): EventStore {
  const store =
    options.adapter === 'eventstoredb'
      ? new EventStoreDbEventStore({ connectionString: options.connectionString })
      : new PostgresEventStore({ connectionString: options.connectionString, poolSize: options.poolSize });
  return keys ? new ProtectedEventStore(store, keys) : store;
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
          provide: CUSTOMER_KEYS,
          useFactory: () => new CustomerKeys(options.customerKeysUrl),
        },
        {
          provide: EVENT_STORE,
          inject: [CUSTOMER_KEYS],
          useFactory: (keys: CustomerKeys) => openEventStore(options, keys),
        },
      ],
      exports: [EVENT_STORE, CUSTOMER_KEYS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

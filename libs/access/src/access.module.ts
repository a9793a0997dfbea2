import { EVENT_STORE, type EventStore } from '@c360/event-store';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AccessGuard } from './access.guard.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeys } from './api-keys.service.js';
import { CurrentKeyController } from './current-key.controller.js';

/** Keys, roles and the rate limit per key, for every HTTP route. */
@Global()
@Module({
  controllers: [CurrentKeyController, ApiKeysController],
  providers: [
    {
      provide: ApiKeys,
      inject: [DataSource, EVENT_STORE],
      useFactory: (dataSource: DataSource, store: EventStore) => new ApiKeys(dataSource, store),
    },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [ApiKeys],
})
export class AccessModule {}

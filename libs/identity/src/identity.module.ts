import { Global, Module } from '@nestjs/common';
import { CustomerMergesController } from './customer-merges.controller.js';
import { IdentityIndex } from './identity-index.js';
import { MergeCustomersHandler } from './merge-customers.handler.js';
import { PendingIdentityEventsSweep } from './pending-identity-events.sweep.js';
import { UnmergeCustomersHandler } from './unmerge-customers.handler.js';

/** One customer across channels: the identity index, merges and unmerges. */
@Global()
@Module({
  providers: [IdentityIndex, MergeCustomersHandler, UnmergeCustomersHandler, PendingIdentityEventsSweep],
  exports: [IdentityIndex],
})
export class IdentityModule {}

/** The HTTP adapter: POST /v1/customers/:id/merge and /unmerge. */
@Module({ imports: [IdentityModule], controllers: [CustomerMergesController] })
export class IdentityHttpModule {}

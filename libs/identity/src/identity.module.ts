import { Global, Module } from '@nestjs/common';
import { CustomerMergesController, CustomerErasureController } from './customer-merges.controller.js';
import { ForgetCustomerHandler } from './forget-customer.handler.js';
import { IdentityIndex } from './identity-index.js';
import { MergeCustomersHandler } from './merge-customers.handler.js';
import { PendingIdentityEventsSweep } from './pending-identity-events.sweep.js';
import { UnmergeCustomersHandler } from './unmerge-customers.handler.js';

/** One customer across channels: the identity index, merges and unmerges. */
@Global()
@Module({
  providers: [
    IdentityIndex,
    MergeCustomersHandler,
    UnmergeCustomersHandler,
    ForgetCustomerHandler,
    PendingIdentityEventsSweep,
  ],
  exports: [IdentityIndex],
})
export class IdentityModule {}

/** The HTTP adapter: POST /v1/customers/:id/merge, /unmerge and /forget. */
@Module({ imports: [IdentityModule], controllers: [CustomerMergesController, CustomerErasureController] })
export class IdentityHttpModule {}

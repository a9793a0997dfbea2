import {
  AppendWithoutJoin1763900000400,
  CreateEventStore1763900000000,
  CustomerKeys1763902100000,
  HashChain1763901000000,
  HashInAppend1763902100200,
} from '@c360/event-store';
import { CreateProjectionCheckpoints1763900000100, ProjectionCheckpointEntity } from '@c360/projections';
import { READ_MODEL_ENTITIES, READ_MODEL_MIGRATIONS } from '@c360/read-models';
import { ApiKeyEntity, CreateApiKeys1763900000500 } from '@c360/access';
import {
  ClaimIdentifiers1763900000610,
  CreateIdentityIndex1763900000600,
  ForgottenCustomers1763902100100,
  SortedClaims1763902100300,
  MergedCustomersIndex1763902500200,
} from '@c360/identity';
import type { SchemaParts } from './run-migrations.js';

/** Every table of the service, in migration order: the event store's own tables first. */
export const C360_SCHEMA: SchemaParts = {
  entities: [ProjectionCheckpointEntity, ApiKeyEntity, ...READ_MODEL_ENTITIES],
  migrations: [
    CreateEventStore1763900000000,
    CreateProjectionCheckpoints1763900000100,
    ...READ_MODEL_MIGRATIONS,
    AppendWithoutJoin1763900000400,
    CreateApiKeys1763900000500,
    CreateIdentityIndex1763900000600,
    ClaimIdentifiers1763900000610,
    HashChain1763901000000,
    CustomerKeys1763902100000,
    ForgottenCustomers1763902100100,
    HashInAppend1763902100200,
    SortedClaims1763902100300,
    MergedCustomersIndex1763902500200,
  ],
};

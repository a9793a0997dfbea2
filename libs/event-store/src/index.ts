export * from './event-store.port.js';
export * from './event-store.errors.js';
export * from './postgres/postgres-event-store.js';
export * from './postgres/create-event-store.migration.js';
export * from './event-store.module.js';
export * from './postgres/append-without-join.migration.js';
export * from './eventstoredb/eventstoredb-event-store.js';
export { InvalidEventId } from './eventstoredb/eventstoredb-event.mapping.js';
export * from './copy-events.js';

export * from './embedded-postgres.js';
export * from './open-database.js';
export * from './run-migrations.js';
export * from './c360-schema.js';

export * from './test-database.js';
export * from './touchpoint.builder.js';

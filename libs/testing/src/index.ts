export * from './test-database.js';
export * from './touchpoint.builder.js';
export * from './touchpoint.arbitraries.js';

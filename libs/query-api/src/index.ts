export * from './customer-timeline.controller.js';
export * from './query-api.module.js';

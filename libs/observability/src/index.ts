export * from './logging.js';
export * from './health.controller.js';
export * from './metrics.controller.js';
export * from './observability.module.js';

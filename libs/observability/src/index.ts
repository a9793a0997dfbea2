export * from './logging.js';
export * from './health.controller.js';
export * from './metrics.controller.js';
export * from './observability.module.js';
export * from './service-runtime.js';

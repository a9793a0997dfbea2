export * from './timeline/timeline-entry.entity.js';
export * from './timeline/timeline.projection.js';
export * from './timeline/get-customer-timeline.query.js';
export * from './timeline/get-customer-timeline.handler.js';
export * from './touchpoint-counts/touchpoint-count.entity.js';
export * from './touchpoint-counts/touchpoint-counts.projection.js';
export * from './read-models.schema.js';
export * from './read-models.module.js';

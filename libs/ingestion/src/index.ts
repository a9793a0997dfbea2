export * from './touchpoint.dto.js';
export * from './touchpoint-data.dto.js';
export * from './parse-touchpoint.js';
export * from './record-touchpoints.command.js';
export * from './record-touchpoints.handler.js';
export * from './ingestion.metrics.js';
export * from './ingestion.module.js';

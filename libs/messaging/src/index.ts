export * from './dead-letter.js';
export * from './kafka-client.js';
export * from './touchpoint-ingestor.js';
export * from './touchpoint-publisher.js';
export * from './kafka-ingestor.service.js';
export * from './kafka-ingestion.module.js';
export * from './touchpoint-traffic.js';

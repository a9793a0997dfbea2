export * from './touchpoint.js';
export * from './customer-events.js';
export * from './customer-identity.js';
export * from './timeline-entry.js';
export * from './record-touchpoint.decision.js';
export * from './identity-resolution.js';

export * from './projection.js';
export * from './projector.js';
export * from './projection-checkpoint.entity.js';
export * from './create-projection-checkpoints.migration.js';
export * from './projector.module.js';
export * from './projection-rebuilder.js';
export * from './customer-replayer.js';
export * from './shared-log-reads.js';

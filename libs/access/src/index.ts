export * from './roles.js';
export * from './api-key.entity.js';
export * from './create-api-keys.migration.js';
export * from './api-keys.service.js';
export * from './access.guard.js';
export * from './current-principal.decorator.js';
export * from './api-keys.controller.js';
export * from './access.module.js';

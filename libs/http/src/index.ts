export * from './api-error.js';
export * from './http-error.filter.js';
export * from './configure-http.js';

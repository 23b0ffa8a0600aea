export * from './errors.js';
export * from './ids.js';
export * from './duration.js';
export * from './source.js';
export * from './plan/types.js';
export * from './config/schema.js';

export * from './format.js';
export * from './progress.js';
export * from './render.js';
export * from './loop.js';

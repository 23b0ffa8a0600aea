export * from './graph.js';
export * from './heap.js';
export * from './levels.js';
export * from './cycles.js';
export * from './paths.js';
export * from './simulate.js';
export * from './figures.js';

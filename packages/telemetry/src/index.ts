export * from './logger.js';
export * from './proc.js';
export * from './host-sampler.js';
export * from './snapshot.js';
export * from './histogram-totals.js';
export * from './metrics.js';
export * from './eval-metrics.js';

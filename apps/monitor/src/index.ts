export * from './listen.js';
export * from './source.js';
export * from './queues-board.js';
export * from './server.js';
export * from './main.js';

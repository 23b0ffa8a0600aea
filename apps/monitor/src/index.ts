export * from './listen.js';
export * from './source.js';
export * from './queues-board.js';
export * from './server.js';
export * from './main.js';
export { Console, type ConsoleOptions } from './console/console.js';
export { CONSOLE_ACTIONS, type ConsoleAction } from './console/actions.js';

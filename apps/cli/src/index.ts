export { createProgram } from './program.js';
export { registerPlanCommands, describeFigures, DEFAULT_SLOTS } from './commands/plan.js';
export { loadPlanFile, readText } from './plan-file.js';
export { findConfigFile, loadConfigFile, configuredSlots } from './config-file.js';
export * from './output.js';

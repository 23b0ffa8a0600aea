// @agentfleet/sdk: the TypeScript workflow API (a client of the fleet, like the CLI).
export { workflow, Workflow, type Arm, type SubmitOptions } from './workflow/workflow.js';
export type { ApprovalOptions, Dependency, Duration, TaskOptions, WorkflowOptions } from './workflow/task-options.js';
export { connectFleet, type ConnectOptions, type FleetConnection } from './connection.js';
export { submitPlan, integrateBranchOf, type RunOptions } from './submit.js';
export { watch, watchRun, type WatchOptions, type WorkflowEvent } from './watch.js';
export { loadPlanFile, readPromptFiles, readText, absoluteRepo, repoFromFile } from './plan-file.js';
export { findConfigFile, loadConfigFile, configuredSlots } from './config-file.js';

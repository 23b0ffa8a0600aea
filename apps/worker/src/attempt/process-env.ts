import { join } from 'node:path';
import { TASK_ENV } from '@agentfleet/host-contract';

/** Who a process the fleet starts for a task works for: its task, its attempt, its slot. */
export interface TaskProcessIds {
  runId: string;
  taskId: string;
  attempt: number;
  /** the worker's slot number on its host (0, 1, ...) */
  slot: number;
}

/** Ports per slot: slot N owns AGENTFLEET_PORT_BASE .. +19, below Linux's ephemeral range (32768+) for 512 slots. */
export const PORT_FLOOR = 20_000;
export const PORTS_PER_SLOT = 20;

export function portBase(slot: number): number {
  return PORT_FLOOR + slot * PORTS_PER_SLOT;
}

/** The files a task's processes leave for the fleet (task-io.ts): outputs, and an `expands: true` task's plan fragment. */
export interface TaskIoPaths {
  outputs: string;
  planOut: string;
}

/** Package caches every slot of the host shares (npm, pip), under the host's agentfleet home. */
export function packageCaches(home: string): Record<string, string> {
  return { npm_config_cache: join(home, 'cache', 'npm'), PIP_CACHE_DIR: join(home, 'cache', 'pip') };
}

/**
 * The environment of every process the fleet starts for a task: the agent, its checks, the
 * workspace setup. One place, so that what a task's processes see is decided here alone: the
 * worker's agent environment (the daemon's, minus the fleet's own variables), the task
 * variables, the host's shared package caches (always the fleet's own: a daemon started from
 * `npx` inherits npm's user cache), the slot's git exclude file (its never-committed paths
 * stay out of an agent's `git add -A`) and where the task leaves its outputs and plan fragment.
 */
export function taskProcessEnv(base: NodeJS.ProcessEnv, ids: TaskProcessIds, opts: { home: string; excludesFile?: string; io?: TaskIoPaths }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  Object.assign(env, packageCaches(opts.home), {
    [TASK_ENV.run]: ids.runId,
    [TASK_ENV.task]: ids.taskId,
    [TASK_ENV.attempt]: String(ids.attempt),
    [TASK_ENV.slot]: String(ids.slot),
    [TASK_ENV.portBase]: String(portBase(ids.slot)),
    [TASK_ENV.portCount]: String(PORTS_PER_SLOT),
  });
  if (opts.io) Object.assign(env, { [TASK_ENV.outputs]: opts.io.outputs, [TASK_ENV.planOut]: opts.io.planOut });
  if (opts.excludesFile) addGitConfig(env, 'core.excludesFile', opts.excludesFile);
  return env;
}

/** One more `-c key=value` for every git the process runs (GIT_CONFIG_COUNT/KEY_n/VALUE_n, git 2.31+). */
function addGitConfig(env: NodeJS.ProcessEnv, key: string, value: string): void {
  const n = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  env[`GIT_CONFIG_KEY_${n}`] = key;
  env[`GIT_CONFIG_VALUE_${n}`] = value;
  env.GIT_CONFIG_COUNT = String(n + 1);
}

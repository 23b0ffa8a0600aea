import type { NetworkMode } from './sandbox-types.js';
import type { AgentKind } from './types.js';

/** `repo.setup`: run before the agent when the hash of the `key` files differs from what the slot last set up. */
export interface SetupSpec {
  run: string;
  /** files whose content decides whether the slot's setup is still good (e.g. package-lock.json) */
  key: string[];
  /** paths that survive the slot's clean between tasks and are never committed (e.g. node_modules) */
  keep: string[];
  timeoutMs: number;
  /** the setup's network in the sandbox (default full) */
  network?: NetworkMode;
}

/** `integrate` (or `--integrate BRANCH`): the run's merge queue, a task that runs after the others end. */
export interface IntegrateSpec {
  /** the branch results are merged into (`--integrate` overrides it) */
  branch?: string;
  /** run after each merge; a result whose merge fails them is left out */
  checks: string[];
  /** a model-backed agent that resolves a conflicting merge; without one the conflicting paths are reported */
  resolver?: AgentKind;
  timeoutMs?: number;
}

/** What applies when a plan says nothing about checks and setup. */
export const VERIFY_DEFAULTS = {
  checkTimeoutMs: 10 * 60_000,
  fixRounds: 1,
  setupTimeoutMs: 15 * 60_000,
  /** the merge queue merges and checks every result: longer than one task */
  mergeQueueTimeoutMs: 2 * 3600_000,
} as const;

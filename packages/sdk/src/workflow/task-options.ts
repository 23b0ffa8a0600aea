import type { AgentKind, CleanMode, Complexity } from '@agentfleet/core';

/** A duration as plans write it: '90s', '5m', '1h30m', or seconds. */
export type Duration = string | number;

/** A dependency: a task id, or `{ task, after: 'any' }` to run whatever its outcome. */
export type Dependency = string | { task: string; after?: 'any' | 'success' };

export interface ApprovalOptions {
  prompt?: string;
  timeout?: Duration;
  onTimeout?: 'approve' | 'reject';
}

/** A task's keys, as in a plan file (camelCase here: promptFile, stallTimeout, approval.onTimeout). */
export interface TaskOptions {
  title?: string;
  agent?: AgentKind;
  prompt?: string;
  promptFile?: string;
  run?: string;
  deps?: Dependency[];
  complexity?: Complexity;
  risk?: string[];
  estimate?: Duration;
  timeout?: Duration;
  stallTimeout?: Duration;
  retries?: number;
  backoff?: Duration;
  labels?: string[];
  inherit?: boolean;
  review?: { agent?: AgentKind; prompt: string; rounds?: number };
  when?: string;
  approval?: ApprovalOptions;
  expands?: boolean;
}

export interface WorkflowOptions {
  repo?: { url: string; ref?: string; push?: string };
  defaults?: Pick<TaskOptions, 'agent' | 'timeout' | 'retries' | 'backoff' | 'estimate' | 'stallTimeout' | 'complexity'>;
  clean?: CleanMode;
}

/** camelCase keys and the plan file's names for them; every other key is passed as is (the parser names unknown ones). */
const FILE_KEYS: Record<string, string> = { promptFile: 'prompt_file', stallTimeout: 'stall_timeout', onTimeout: 'on_timeout' };

/** An options object with the plan file's key names, undefined values left out. */
export function fileKeys(options: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    out[FILE_KEYS[k] ?? k] = k === 'approval' && v && typeof v === 'object' ? fileKeys(v as object) : v;
  }
  return out;
}

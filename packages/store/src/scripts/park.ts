import type { AttemptHistoryEntry, AttemptOwner, AttemptSpend, TaskResult } from '../types.js';
import { resultFields } from './complete.js';
import { spendArg } from './replies.js';
import type { ScriptDef } from './script-runner.js';

/** Why and until when a task waits. */
export interface TaskWait {
  /** what it waits for: usage_limit, provider_pause, budget, approval, ... */
  kind: string;
  /** one line for people: "claude usage limit; resets 14:00 UTC" */
  reason: string;
  /** epoch ms when it is due by itself; absent: only a command wakes it */
  until?: number;
}

export interface ParkArgs {
  runId: string;
  taskId: string;
  owner: AttemptOwner;
  status: 'parked' | 'awaiting_approval';
  wait: TaskWait;
  spend?: AttemptSpend;
  history?: AttemptHistoryEntry;
  /** what the attempt found, kept while the task waits (a gate's branch and commit) */
  result?: TaskResult;
}

/** park-9.lua: the task waits with no slot and no job; false when the attempt had lost it. */
export const parkScript: ScriptDef<ParkArgs, boolean> = {
  file: 'park-9.lua',
  argv: (a) => [
    a.taskId,
    a.owner.worker,
    a.owner.attempt,
    a.status,
    JSON.stringify({ kind: a.wait.kind, reason: a.wait.reason, ...(a.wait.until !== undefined ? { until: Math.ceil(a.wait.until) } : {}) }),
    spendArg(a.spend),
    a.history ? JSON.stringify(a.history) : '',
    JSON.stringify(resultFields({ result: a.result ?? {} })),
  ],
  parse: (reply) => reply === 1,
};

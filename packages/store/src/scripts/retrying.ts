import type { AttemptHistoryEntry, AttemptOwner, AttemptSpend, TaskError } from '../types.js';
import { spendArg } from './replies.js';
import type { ScriptDef } from './script-runner.js';

export interface RetryingArgs {
  runId: string;
  taskId: string;
  error: TaskError;
  owner: AttemptOwner;
  spend?: AttemptSpend;
  history?: AttemptHistoryEntry;
}

/** retrying-9.lua: the attempt failed and BullMQ tries again; true when recorded. */
export const retryingScript: ScriptDef<RetryingArgs, boolean> = {
  file: 'retrying-9.lua',
  argv: (a) => [a.taskId, a.error.kind, a.error.message.slice(0, 2000), a.owner.worker, a.owner.attempt, spendArg(a.spend), a.history ? JSON.stringify(a.history) : ''],
  parse: (reply) => reply === 1,
};

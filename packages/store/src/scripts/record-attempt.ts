import type { AttemptHistoryEntry, AttemptSpend } from '../types.js';
import { spendArg } from './replies.js';
import type { ScriptDef } from './script-runner.js';

export interface RecordAttemptArgs {
  runId: string;
  taskId: string;
  spend?: AttemptSpend;
  history: AttemptHistoryEntry;
}

/** record-attempt-9.lua: an attempt that did not decide its task (cancelled, lost) still counts. */
export const recordAttemptScript: ScriptDef<RecordAttemptArgs, boolean> = {
  file: 'record-attempt-9.lua',
  argv: (a) => [a.taskId, spendArg(a.spend), JSON.stringify(a.history)],
  parse: (reply) => reply === 1,
};

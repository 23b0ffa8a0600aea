import type { CompleteOutcome, RunStatus } from '../types.js';
import { parseReady, ScriptReply } from './replies.js';
import type { ScriptDef } from './script-runner.js';

/** Who decided on a gate, and what they said. */
export interface DecisionInput {
  /** "ana@laptop", or "timeout" */
  by: string;
  note?: string;
}

export interface DecideArgs extends DecisionInput {
  runId: string;
  taskId: string;
  decision: 'approve' | 'reject';
  /** the timeout speaking: only if the wait is due, and it says so in the record */
  timedOut?: boolean;
}

export type DecideOutcome =
  | ({ decided: true } & Pick<CompleteOutcome, 'ready' | 'runFinished' | 'failFast'>)
  /** the task did not await approval (`status`), or its timeout was not due yet */
  | { decided: false; status: string };

/** decide-9.lua: approve (succeeded) or reject (failed, kind rejected) a task awaiting approval. */
export const decideScript: ScriptDef<DecideArgs, DecideOutcome> = {
  file: 'decide-9.lua',
  argv: (a) => [a.taskId, a.decision, JSON.stringify({ by: a.by, ...(a.note ? { note: a.note } : {}), ...(a.timedOut ? { timedOut: true } : {}) }), a.timedOut ? '1' : '0'],
  parse(reply, a) {
    const res = reply as string[];
    if (res[0] !== ScriptReply.Ok) return { decided: false, status: res[0] === ScriptReply.Early ? 'awaiting_approval' : (res[1] ?? '') };
    return { decided: true, runFinished: (res[1] || null) as RunStatus | null, failFast: res[2] === '1', ready: parseReady(a.runId, res.slice(3)) };
  },
};

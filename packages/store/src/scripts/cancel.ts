import type { RunStatus, TaskStatus } from '../types.js';
import { ScriptReply } from './replies.js';
import type { ScriptDef } from './script-runner.js';

export interface CancelArgs {
  runId: string;
  reason: string;
}

export type CancelResult =
  | { ended: true; status: RunStatus }
  /** the tasks that had jobs, with their status before the cancel */
  | { ended: false; finished: RunStatus | null; inflight: { taskId: string; queue: string; before: TaskStatus; jobSeq: number }[] };

/** cancel-9.lua: every task not yet terminal becomes cancelled. */
export const cancelScript: ScriptDef<CancelArgs, CancelResult> = {
  file: 'cancel-9.lua',
  argv: (a) => [a.reason],
  parse(reply) {
    const res = reply as string[];
    if (res[0] === ScriptReply.Terminal) return { ended: true, status: res[1] as RunStatus };
    const inflight: { taskId: string; queue: string; before: TaskStatus; jobSeq: number }[] = [];
    for (let i = 2; i + 3 < res.length; i += 4) inflight.push({ taskId: res[i]!, queue: res[i + 1]!, before: res[i + 2] as TaskStatus, jobSeq: Number(res[i + 3]) });
    return { ended: false, finished: (res[1] || null) as RunStatus | null, inflight };
  },
};

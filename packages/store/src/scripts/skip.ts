import type { AttemptOwner, ReadyTask, RunStatus } from '../types.js';
import { parseReady, ScriptReply } from './replies.js';
import type { ScriptDef } from './script-runner.js';

export interface SkipArgs {
  runId: string;
  taskId: string;
  owner: AttemptOwner;
  /** why, for the report: "condition false: test.failed" */
  message: string;
}

export interface SkipOutcome {
  /** false: the task was terminal already, or the attempt had lost it */
  skipped: boolean;
  ready: ReadyTask[];
  runFinished: RunStatus | null;
}

/** skip-9.lua: a claimed task whose `when:` is false ends skipped without running. */
export const skipScript: ScriptDef<SkipArgs, SkipOutcome> = {
  file: 'skip-9.lua',
  argv: (a) => [a.taskId, a.owner.worker, a.owner.attempt, a.message],
  parse(reply, a) {
    const res = reply as string[];
    return { skipped: res[0] === ScriptReply.Ok, runFinished: (res[1] || null) as RunStatus | null, ready: parseReady(a.runId, res.slice(2)) };
  },
};

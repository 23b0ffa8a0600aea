import type { ReadyTask } from '../types.js';
import { parseReady, ScriptReply } from './replies.js';
import type { ScriptDef } from './script-runner.js';

export interface WakeArgs {
  runId: string;
  taskId: string;
  /** wake only a wait of this kind (budget, usage_limit, ...) */
  kind?: string;
}

/** wake-9.lua: a parked task is queued again; its new job, or null when it was not parked. */
export const wakeScript: ScriptDef<WakeArgs, ReadyTask | null> = {
  file: 'wake-9.lua',
  argv: (a) => [a.taskId, a.kind ?? ''],
  parse: (reply, a) => {
    const res = reply as (string | number)[];
    return res[0] === ScriptReply.Ok ? (parseReady(a.runId, res.slice(1))[0] ?? null) : null;
  },
};

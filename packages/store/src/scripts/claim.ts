import { ScriptReply } from './replies.js';
import type { ScriptDef } from './script-runner.js';

export interface ClaimArgs {
  runId: string;
  taskId: string;
  host: string;
  worker: string;
}

export type ClaimResult =
  | { ok: true; attempts: number; startedAt: number; task: Record<string, string> }
  /** nothing to run: the task or its run has ended (status says which state) */
  | { ok: false; status: string };

/** claim-9.lua: a worker starts a task, one more attempt. */
export const claimScript: ScriptDef<ClaimArgs, ClaimResult> = {
  file: 'claim-9.lua',
  argv: (a) => [a.taskId, a.host, a.worker],
  parse(reply) {
    const [code, value, flat = []] = reply as [string, string | number, string[]?];
    if (code !== ScriptReply.Ok) return { ok: false, status: String(value) };
    const task: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) task[flat[i]!] = flat[i + 1]!;
    return { ok: true, attempts: Number(value), startedAt: Number(task.startedAt ?? 0), task };
  },
};

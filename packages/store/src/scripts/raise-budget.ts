import type { ReadyTask, RunStatus } from '../types.js';
import { parseReady, ScriptReply } from './replies.js';
import type { ScriptDef } from './script-runner.js';

export interface RaiseBudgetArgs {
  runId: string;
  usd: number;
}

export type RaiseBudgetResult =
  | { ok: false }
  /** the budget now, what the run spent, its status, and the tasks woken (their jobs) */
  | { ok: true; budgetUsd: number; spentUsd: number; status: RunStatus; woken: ReadyTask[] };

/** raise-budget-9.lua: the run's budget grows; a paused run under it resumes and its budget-parked tasks go on. */
export const raiseBudgetScript: ScriptDef<RaiseBudgetArgs, RaiseBudgetResult> = {
  file: 'raise-budget-9.lua',
  argv: (a) => [String(a.usd)],
  parse(reply, a) {
    const res = reply as (string | number)[];
    if (res[0] !== ScriptReply.Ok) return { ok: false };
    return { ok: true, budgetUsd: Number(res[1]), spentUsd: Number(res[2]), status: res[3] as RunStatus, woken: parseReady(a.runId, res.slice(4)) };
  },
};

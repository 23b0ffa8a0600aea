import type { EvalStatus } from '@agentfleet/core';
import type { KeyedScriptDef } from './keyed-scripts.js';

export interface SettleEvalArgs {
  evalId: string;
  status: Exclude<EvalStatus, 'running'>;
  runIds: readonly string[];
}

/** settle-eval-4.lua: the eval's final status, out of the active set, its runs unpinned, its hidden files removed. */
export const settleEvalScript: KeyedScriptDef<SettleEvalArgs, boolean> = {
  file: 'settle-eval-4.lua',
  keys: (k, a) => [k.eval(a.evalId), k.activeEvals(), k.pinnedRuns(), k.evalHidden(a.evalId)],
  argv: (a) => [a.evalId, a.status, ...a.runIds],
  parse: (reply) => reply === 1,
};

import type { TrialResult } from '@agentfleet/core';
import type { KeyedScriptDef } from './keyed-scripts.js';

export interface RecordTrialArgs {
  evalId: string;
  result: TrialResult;
  /** the variant's labels for the durable totals: bounded (agent kinds, tiers, providers of fleet.yaml) */
  agent: string;
  tier: string;
  provider: string;
}

/** record-trial-2.lua: a trial's result, written once, and the durable eval totals with it. */
export const recordTrialScript: KeyedScriptDef<RecordTrialArgs, boolean> = {
  file: 'record-trial-2.lua',
  keys: (k, a) => [k.evalResults(a.evalId), k.evalStats()],
  argv: (a) => [a.result.runId, JSON.stringify(a.result), a.agent, a.tier, a.provider, a.result.status, a.result.costUsd],
  parse: (reply) => reply === 1,
};

import { PLAN_DEFAULTS, type Plan } from '../plan/types.js';
import { trialRunId } from './ids.js';
import type { EvalCase, EvalVariant, TrialSpec } from './types.js';

/**
 * Every trial of an eval, in the order they are launched: each repeat of every case by every
 * variant before the next repeat, so that an eval stopped at its budget has compared the
 * variants on the same cases.
 */
export function planTrials(evalId: string, caseIds: readonly string[], variants: readonly EvalVariant[], repeat: number): TrialSpec[] {
  const trials: TrialSpec[] = [];
  for (let r = 1; r <= repeat; r++) {
    for (const caseId of caseIds) {
      for (const v of variants) trials.push({ runId: trialRunId(evalId, trials.length), caseId, variant: v.name, repeat: r });
    }
  }
  return trials;
}

/**
 * The plan of one trial: an ordinary run of one task, the case, with the variant's agent and
 * forced tier, its hidden files named (their contents travel beside the eval), and its result
 * pushed to each host's scratch repository unless `push` sends it to the case's remote.
 */
export function trialPlan(evalId: string, c: EvalCase, variant: EvalVariant, opts: { push: boolean }): Plan {
  const task = { ...c.task, agent: variant.agent };
  if (variant.tier) task.tier = variant.tier;
  if (c.hiddenPaths.length) task.hidden = { evalId, caseId: c.id, paths: c.hiddenPaths };
  return {
    name: c.id,
    repo: opts.push ? c.repo : { ...c.repo, pushScratch: true },
    defaults: PLAN_DEFAULTS,
    clean: 'all',
    tasks: [task],
  };
}

import type { Plan, TaskSpec } from './types.js';
import { VERIFY_DEFAULTS, type IntegrateSpec } from './verify-types.js';

/** The id of the run's merge-queue task; plans may not use it (semantic.ts). */
export const MERGE_QUEUE_TASK_ID = 'merge-queue';

/** The branch the merge queue merges into: `--integrate BRANCH` over the plan's `integrate.branch`. */
export function mergeQueueBranch(plan: Plan, flag: string | undefined): string | undefined {
  return flag ?? plan.integrate?.branch;
}

/**
 * The merge queue as a task of the run: it starts once every other task has ended (whatever
 * its outcome), in a slot with the plan's setup, and merges the succeeded results into
 * `branch`. Its agent is the resolver when there is one (it is what spends), else noop.
 */
export function mergeQueueTask(plan: Plan, branch: string): TaskSpec {
  const spec: IntegrateSpec = { checks: [], ...plan.integrate, branch };
  const d = plan.defaults;
  return {
    id: MERGE_QUEUE_TASK_ID,
    title: `merge queue into ${branch}`,
    agent: spec.resolver ?? 'noop',
    deps: [],
    complexity: 'medium',
    risk: [],
    estimateMs: 0,
    timeoutMs: spec.timeoutMs ?? Math.max(d.timeoutMs, VERIFY_DEFAULTS.mergeQueueTimeoutMs),
    stallTimeoutMs: d.stallTimeoutMs,
    retries: d.retries,
    backoffMs: d.backoffMs,
    labels: [],
    inherit: false,
    ...(d.checkTimeoutMs !== undefined ? { checkTimeoutMs: d.checkTimeoutMs } : {}),
    // its checks and resolver run as the plan's tasks do
    ...(d.sandbox ? { sandbox: d.sandbox } : {}),
    ...(d.network ? { network: d.network } : {}),
    ...(d.env?.length ? { env: d.env } : {}),
    mergeQueue: spec,
  };
}

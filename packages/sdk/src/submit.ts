import { InputError, makeRunId, mergeQueueBranch, type Plan, type Schedule } from '@agentfleet/core';
import { resolveRef } from '@agentfleet/workspace';
import type { FleetConnection } from './connection.js';

export interface RunOptions {
  schedule?: Schedule;
  /** cancel the rest of the run when a task fails after its retries */
  failFast?: boolean;
  /** the merge queue's branch (`--integrate BRANCH`; else the plan's integrate.branch) */
  integrate?: string;
}

/**
 * The merge queue's branch for a run: the `integrate` option, else the plan's
 * `integrate.branch`; undefined when the run has no merge queue. One clear message when it
 * cannot have one.
 */
export function integrateBranchOf(plan: Plan, flag: string | undefined): string | undefined {
  const branch = mergeQueueBranch(plan, flag);
  if (!branch) {
    if (plan.integrate) throw new InputError("the plan's integrate: names no branch: add integrate.branch, or give --integrate BRANCH");
    return undefined;
  }
  if (!plan.repo) throw new InputError(`the merge queue (${flag ? '--integrate' : 'integrate:'}) needs a repository: give --repo or a repo: in the plan`);
  return branch;
}

/**
 * Submits a validated plan as a run: resolves the base commit once, writes the run in one
 * transaction and enqueues its roots (bad input writes nothing). Returns the run id. The CLI
 * (`fleet run`) and the SDK share it; neither starts daemons here.
 */
export async function submitPlan(fleet: Pick<FleetConnection, 'store' | 'config'>, plan: Plan, opts: RunOptions = {}): Promise<string> {
  const integrate = integrateBranchOf(plan, opts.integrate);
  const baseCommit = plan.repo ? await resolveRef(plan.repo.url, plan.repo.ref) : null;
  const runId = makeRunId(new Date());
  const { providers, pricing, budgets, git } = fleet.config;
  await fleet.store.runs.submit(plan, { runId, schedule: opts.schedule ?? 'deps', failFast: Boolean(opts.failFast), baseCommit, config: { providers, pricing, budgets, git }, integrate });
  return runId;
}

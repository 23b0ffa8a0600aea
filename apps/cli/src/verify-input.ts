import { InputError, mergeQueueBranch, type Plan } from '@agentfleet/core';

/**
 * The merge queue's branch for a run: `--integrate BRANCH`, else the plan's `integrate.branch`;
 * undefined when the run has no merge queue. One clear message when it cannot have one.
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

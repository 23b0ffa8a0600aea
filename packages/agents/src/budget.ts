import { FleetError, type FleetConfig } from '@agentfleet/core';
import type { AgentBudget, Usage } from './types.js';
import { totalTokens } from './usage.js';

/** The effective per-task limits: what the request says, else the config's per-task budgets. */
export function effectiveBudget(budget: AgentBudget, config: FleetConfig): AgentBudget {
  return { tokens: budget.tokens ?? config.budgets.perTaskTokens, usd: budget.usd ?? config.budgets.perTaskUsd };
}

/** Returns the budget_exceeded error when usage or cost is over a limit, else undefined. */
export function budgetOverrun(budget: AgentBudget, usage: Usage, costUsd: number, taskId: string): FleetError | undefined {
  const tokens = totalTokens(usage);
  if (budget.tokens !== undefined && tokens > budget.tokens) {
    return new FleetError('budget_exceeded', `task '${taskId}': used ${tokens} tokens, over its budget of ${budget.tokens}`, { tokens, limitTokens: budget.tokens, costUsd, usage });
  }
  if (budget.usd !== undefined && costUsd > budget.usd) {
    return new FleetError('budget_exceeded', `task '${taskId}': cost $${costUsd.toFixed(4)}, over its budget of $${budget.usd}`, { tokens, limitUsd: budget.usd, costUsd, usage });
  }
  return undefined;
}

/** What an abort means to the caller: the signal's FleetError reason (stalled, budget...) or 'cancelled'. */
export function abortError(signal: AbortSignal, taskId: string): FleetError {
  const reason: unknown = signal.reason;
  if (reason instanceof FleetError) return reason;
  return new FleetError('cancelled', `task '${taskId}': cancelled`, {});
}

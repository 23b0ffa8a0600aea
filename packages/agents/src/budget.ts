import { FleetError, type FleetConfig } from '@agentfleet/core';
import type { SpendMeter } from './spend-meter.js';
import type { AgentBudget } from './types.js';

/** The effective per-task limits: what the request says, else the config's per-task budgets. */
export function effectiveBudget(budget: AgentBudget, config: FleetConfig): AgentBudget {
  return { tokens: budget.tokens ?? config.budgets.perTaskTokens, usd: budget.usd ?? config.budgets.perTaskUsd };
}

/** The budget_exceeded error when what the task spent so far is over a limit, else undefined. */
export function budgetOverrun(budget: AgentBudget, meter: SpendMeter, taskId: string): FleetError | undefined {
  const tokens = meter.tokens;
  const costUsd = meter.costUsd;
  if (budget.tokens !== undefined && tokens > budget.tokens) {
    return new FleetError('budget_exceeded', `task '${taskId}': used ${tokens} tokens, over its budget of ${budget.tokens}`, { tokens, limitTokens: budget.tokens });
  }
  if (budget.usd !== undefined && costUsd > budget.usd) {
    return new FleetError('budget_exceeded', `task '${taskId}': cost $${costUsd.toFixed(4)}, over its budget of $${budget.usd}`, { costUsd, limitUsd: budget.usd });
  }
  return undefined;
}

/** What an abort means to the caller: the signal's FleetError reason (stalled, budget...) or 'cancelled'. */
export function abortError(signal: AbortSignal, taskId: string): FleetError {
  const reason: unknown = signal.reason;
  if (reason instanceof FleetError) return reason;
  return new FleetError('cancelled', `task '${taskId}': cancelled`, {});
}

import { isModelBacked, WaitRequest } from '@agentfleet/core';
import type { TaskContext } from '@agentfleet/store';

/**
 * A run at its budget is paused: a model-backed task that would start waits, holding no slot,
 * until `fleet budget RUN --raise USD` wakes it (shell tasks go on). The spend script pauses
 * the run; the budget read here catches a run over its budget that is not marked paused yet.
 */
export function budgetGate(ctx: TaskContext): void {
  if (!isModelBacked(ctx.spec.agent)) return;
  const { costUsd, paused } = ctx.run;
  const budget = ctx.run.budgetUsd ?? ctx.run.config.budgets?.perRunUsd ?? null;
  if (!paused && (budget === null || costUsd < budget)) return;
  throw new WaitRequest({
    kind: 'budget',
    reason: `run ${ctx.runId} reached its budget${budget !== null ? ` of $${budget}` : ''} (spent $${costUsd.toFixed(4)}); fleet budget ${ctx.runId} --raise USD resumes it`,
  });
}

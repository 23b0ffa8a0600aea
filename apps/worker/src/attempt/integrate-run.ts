import type { FleetStore, TaskContext } from '@agentfleet/store';
import type { Logger } from '@agentfleet/telemetry';
import type { TaskWorkspace } from '../task-workspace.js';

/** The worker that ends a run merges its leaf results into `--integrate BRANCH`. */
export async function integrateRun(store: FleetStore, ctx: TaskContext, workspace: TaskWorkspace, log: Logger): Promise<void> {
  if (!ctx.run.repo || !workspace.integrate) return;
  const inputs = await store.integration.inputs(ctx.runId);
  if (!inputs) return;
  try {
    const res = await workspace.integrate(ctx, inputs.branch, inputs.results);
    await store.integration.record(ctx.runId, { branch: inputs.branch, ...res });
    log.info({ branch: inputs.branch, merged: res.merged.length, conflicts: res.conflicts.length }, 'results integrated');
  } catch (e) {
    await store.integration.record(ctx.runId, { branch: inputs.branch, merged: [], conflicts: [], error: (e as Error).message });
    log.error({ branch: inputs.branch, err: (e as Error).message }, 'integration failed');
  }
}

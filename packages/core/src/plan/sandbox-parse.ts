import type { RawPlan, RawTask } from './schema.js';
import type { PlanDefaults, TaskSpec } from './types.js';

/** The sandbox keys of `defaults`, as PlanDefaults fields (only those given). */
export function sandboxDefaults(d: RawPlan['defaults']): Pick<PlanDefaults, 'sandbox' | 'network' | 'env'> {
  return {
    ...(d?.sandbox ? { sandbox: d.sandbox } : {}),
    ...(d?.network ? { network: d.network } : {}),
    ...(d?.env ? { env: [...new Set(d.env)] } : {}),
  };
}

/** A task's own sandbox keys, else the plan's defaults (a task's `env` replaces the defaults' list, as its `check` does). */
export function applyTaskSandbox(task: TaskSpec, t: RawTask, defaults: PlanDefaults): void {
  const sandbox = t.sandbox ?? defaults.sandbox;
  if (sandbox) task.sandbox = sandbox;
  const network = t.network ?? defaults.network;
  if (network) task.network = network;
  const env = t.env ? [...new Set(t.env)] : defaults.env;
  if (env?.length) task.env = env;
}

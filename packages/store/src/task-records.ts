import type { TaskSpec } from '@agentfleet/core';

/** Where a task sits in the scheduling graph when its record is written. */
export interface TaskPlacement {
  status: 'blocked' | 'queued';
  pending: number;
  next: string[];
  dependents: string[];
  anyDependents: string[];
  queue: string;
  priority: number;
}

/**
 * The hash of a task as submit and a plan fragment write it. `anyDeps` / `anyDependents`
 * (the `after: any` edges, read by the DAG scripts) only when the task has some.
 */
export function taskFields(spec: TaskSpec, at: TaskPlacement): Record<string, string | number> {
  return {
    id: spec.id,
    title: spec.title,
    agent: spec.agent,
    status: at.status,
    pending: at.pending,
    next: JSON.stringify(at.next),
    deps: JSON.stringify(spec.deps),
    dependents: JSON.stringify(at.dependents),
    queue: at.queue,
    maxAttempts: spec.retries + 1,
    backoffMs: spec.backoffMs ?? 2000,
    priority: at.priority,
    attempts: 0,
    spec: JSON.stringify(spec),
    ...(spec.anyDeps?.length ? { anyDeps: JSON.stringify(spec.anyDeps) } : {}),
    ...(at.anyDependents.length ? { anyDependents: JSON.stringify(at.anyDependents) } : {}),
  };
}

/** Whether a run needs the failure rule of conditional plans (finish-run.lua's `flow`). */
export function usesFlow(tasks: readonly TaskSpec[]): boolean {
  return tasks.some((t) => t.when !== undefined || (t.anyDeps?.length ?? 0) > 0);
}

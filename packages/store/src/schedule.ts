import { buildDag, layerDag, levelIds, remainingPathMs, type Schedule, type TaskSpec } from '@agentfleet/core';

/** A node of the scheduling graph stored with a run: a task, or a level barrier. */
export interface ScheduleNode {
  id: string;
  barrier: boolean;
  spec?: TaskSpec;
  /** scheduling predecessors still to finish */
  pending: number;
  /** scheduling successors (what this node releases) */
  next: string[];
  /** real dependents (what a failure skips) */
  dependents: string[];
  /** the dependents that list this task with `after: any` (they go on whatever its outcome) */
  anyDependents: string[];
  /** BullMQ priority (1 = first): the longer the path still ahead of a task, the sooner it starts. */
  priority: number;
  /** starts once every other task has ended, whatever their outcome (the merge queue) */
  finally?: boolean;
}

/** Largest BullMQ priority is 2^21 - 1; a million steps is resolution enough. */
const PRIORITY_STEPS = 1_000_000;

export interface RunSchedule {
  nodes: ScheduleNode[];
  /** real task ids in a deterministic topological order */
  order: string[];
}

/** Barrier ids contain '~', which task ids cannot, so they never collide. */
export function barrierId(level: number): string {
  return `~level-${level}`;
}

/**
 * `deps`: a task waits for its own dependencies. `levels`: a task waits for every task of
 * the previous level, through one zero-cost barrier per level (n + m edges, not n x m).
 */
export function buildSchedule(tasks: readonly TaskSpec[], schedule: Schedule, finallyTask?: TaskSpec): RunSchedule {
  const built = buildTaskSchedule(tasks, schedule);
  return finallyTask ? withFinally(built, finallyTask) : built;
}

/** The finally node waits for every real task; each of them releases it, whatever its outcome (release.lua). */
function withFinally(s: RunSchedule, spec: TaskSpec): RunSchedule {
  const real = s.nodes.filter((n) => !n.barrier);
  for (const n of real) n.next = [...n.next, spec.id];
  const node: ScheduleNode = { id: spec.id, barrier: false, spec, pending: real.length, next: [], dependents: [], anyDependents: [], priority: PRIORITY_STEPS + 1, finally: true };
  return { nodes: [...s.nodes, node], order: [...s.order, spec.id] };
}

function buildTaskSchedule(tasks: readonly TaskSpec[], schedule: Schedule): RunSchedule {
  const dag = buildDag(tasks);
  const layering = layerDag(dag);
  const levels = levelIds(dag, layering);
  const dependents = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const t of tasks) for (const d of new Set(t.deps)) dependents.get(d)!.push(t.id);
  const anyDependents = new Map<string, string[]>();
  for (const t of tasks) for (const d of t.anyDeps ?? []) anyDependents.set(d, [...(anyDependents.get(d) ?? []), t.id]);
  const anyOf = (id: string) => anyDependents.get(id) ?? [];
  const order = levels.flat();
  // Critical-path priority, as list scheduling (and `fleet plan show`'s prediction) assumes.
  const remaining = remainingPathMs(dag, layering);
  const longest = Math.max(1, ...remaining);
  const priorityOf = (id: string) => 1 + Math.round((1 - remaining[dag.indexOf.get(id)!]! / longest) * PRIORITY_STEPS);
  const nodes: ScheduleNode[] = [];
  if (schedule === 'deps') {
    for (const t of tasks) {
      const deps = dependents.get(t.id)!;
      nodes.push({ id: t.id, barrier: false, spec: t, pending: new Set(t.deps).size, next: deps, dependents: deps, anyDependents: anyOf(t.id), priority: priorityOf(t.id) });
    }
    return { nodes, order };
  }
  const byId = new Map(tasks.map((t) => [t.id, t]));
  levels.forEach((level, k) => {
    const last = k === levels.length - 1;
    for (const id of level) {
      nodes.push({ id, barrier: false, spec: byId.get(id)!, pending: k > 0 ? 1 : 0, next: last ? [] : [barrierId(k)], dependents: dependents.get(id)!, anyDependents: anyOf(id), priority: priorityOf(id) });
    }
    if (!last) nodes.push({ id: barrierId(k), barrier: true, pending: level.length, next: levels[k + 1]!, dependents: [], anyDependents: [], priority: 0 });
  });
  return { nodes, order };
}

import type { Redis } from 'ioredis';
import { buildDag, layerDag, levelIds, MERGE_QUEUE_TASK_ID, PLAN_DEFAULTS, PROTOCOL_VERSION, type PlanDefaults, type TaskSpec } from '@agentfleet/core';
import type { FleetEvents } from './fleet-events.js';
import type { Keys } from './keys.js';
import { expandScript, type ExpandOutcome, type FragmentRecords, type ScriptRunner } from './scripts/index.js';
import { queueNameFor } from './task-queues.js';
import { taskFields, usesFlow } from './task-records.js';
import type { AttemptOwner } from './types.js';

/** No run grows past this many tasks, however its fragments nest. */
export const MAX_RUN_TASKS = 100_000;

/**
 * Plans that grow: what a fragment is parsed against (the run's defaults, every task and its
 * status), and adding its tasks to the running DAG in one script (expand-9.lua).
 */
export class TaskExpansions {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptRunner,
    private readonly events: FleetEvents,
  ) {}

  async context(runId: string): Promise<{ defaults: PlanDefaults; existing: Map<string, string> }> {
    const [defaults, ids] = await Promise.all([this.redis.hget(this.keys.run(runId), 'defaults'), this.redis.lrange(this.keys.runTasks(runId), 0, -1)]);
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hget(this.keys.task(runId, id), 'status');
    const statuses = ((await pipe.exec()) ?? []).map((r) => String(r[1] ?? ''));
    return { defaults: defaults ? (JSON.parse(defaults) as PlanDefaults) : PLAN_DEFAULTS, existing: new Map(ids.map((id, i) => [id, statuses[i]!])) };
  }

  /** The fragment's tasks (as core's parseFragment placed them) join the run, between the parent and its dependents. */
  async expand(runId: string, parentId: string, owner: AttemptOwner, tasks: readonly TaskSpec[]): Promise<ExpandOutcome> {
    if (tasks.length === 0) return { added: 0 };
    const [[dependents, anyDependents, priority, next], protocol] = await Promise.all([
      this.redis.hmget(this.keys.task(runId, parentId), 'dependents', 'anyDependents', 'priority', 'next'),
      this.redis.hget(this.keys.run(runId), 'protocol'),
    ]);
    // the merge queue waits for every task of the run: the fragment's too
    const finallyId = list(next).includes(MERGE_QUEUE_TASK_ID) ? MERGE_QUEUE_TASK_ID : undefined;
    const parent = { id: parentId, dependents: list(dependents), anyDependents: list(anyDependents), priority: Number(priority ?? 0), finallyId };
    const queueOf = (t: TaskSpec) => queueNameFor(t.labels, Number(protocol ?? PROTOCOL_VERSION));
    const queues = new Map(tasks.map((t) => [queueOf(t), JSON.stringify([...new Set(t.labels)].sort())]));
    const fragment = fragmentRecords(tasks, parent, queueOf);
    const names = [...queues.keys()];
    const known = await this.redis.hmget(this.keys.queues(), ...names);
    const fresh = names.filter((_, i) => known[i] === null);
    if (fresh.length) {
      await this.redis.hset(this.keys.queues(), Object.fromEntries(fresh.map((q) => [q, queues.get(q)!])));
      await this.events.publish({ type: 'queues' });
    }
    return this.scripts.run(expandScript, { runId, taskId: parentId, owner, fragment });
  }
}

interface Parent {
  id: string;
  dependents: string[];
  anyDependents: string[];
  priority: number;
  /** the run's merge queue (it waits for every task, whatever its outcome), if it has one */
  finallyId?: string;
}

/** The fragment's task hashes in topological order, and how they hook into the parent and its dependents. */
function fragmentRecords(tasks: readonly TaskSpec[], parent: Parent, queueOf: (t: TaskSpec) => string): FragmentRecords {
  const ids = new Set(tasks.map((t) => t.id));
  const local = (deps: readonly string[] | undefined) => (deps ?? []).filter((d) => ids.has(d));
  const dependents = new Map(tasks.map((t) => [t.id, [] as string[]]));
  const anyDependents = new Map(tasks.map((t) => [t.id, [] as string[]]));
  for (const t of tasks) {
    for (const d of local(t.deps)) dependents.get(d)!.push(t.id);
    for (const d of local(t.anyDeps)) anyDependents.get(d)!.push(t.id);
  }
  const sinks = tasks.filter((t) => dependents.get(t.id)!.length === 0).map((t) => t.id);
  const order = levelIds(...withLayers(tasks.map((t) => ({ ...t, deps: local(t.deps) })))).flat();
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const records = order.map((id) => {
    const t = byId.get(id)!;
    const sink = sinks.includes(id);
    const real = sink ? parent.dependents : dependents.get(id)!;
    const next = parent.finallyId ? [...real, parent.finallyId] : real;
    const anyNext = sink ? [...anyDependents.get(id)!, ...parent.anyDependents] : anyDependents.get(id)!;
    const pending = local(t.deps).length + (t.deps.includes(parent.id) ? 1 : 0);
    const fields = taskFields(t, { status: 'blocked', pending, next, dependents: real, anyDependents: anyNext, queue: queueOf(t), priority: parent.priority });
    return { id, fields: Object.entries(fields).flat() };
  });
  return {
    tasks: records,
    roots: tasks.filter((t) => t.deps.includes(parent.id)).map((t) => t.id),
    anyRoots: tasks.filter((t) => t.anyDeps?.includes(parent.id)).map((t) => t.id),
    sinks,
    dependents: parent.dependents,
    anyDependents: parent.anyDependents,
    external: [...new Set(tasks.flatMap((t) => t.deps.filter((d) => !ids.has(d) && d !== parent.id)))],
    flow: usesFlow(tasks),
    maxTotal: MAX_RUN_TASKS,
    ...(parent.finallyId ? { finallyId: parent.finallyId } : {}),
  };
}

function withLayers(tasks: TaskSpec[]) {
  const dag = buildDag(tasks);
  return [dag, layerDag(dag)] as const;
}

function list(text: string | null | undefined): string[] {
  return text ? (JSON.parse(text) as string[]) : [];
}

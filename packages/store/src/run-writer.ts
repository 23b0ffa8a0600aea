import type { ChainableCommander, Redis } from 'ioredis';
import { FleetError, InputError, isRunId, jobIdOf, mergeQueueTask, PROTOCOL_VERSION, sandboxNeedOf, type Plan } from '@agentfleet/core';
import type { FleetEvents } from './fleet-events.js';
import type { Keys } from './keys.js';
import { withMergeQueueAgain } from './merge-queue-retry.js';
import { emptyCounts } from './records.js';
import { buildSchedule } from './schedule.js';
import { cancelScript, raiseBudgetScript, retryScript, type RaiseBudgetResult, type ScriptRunner } from './scripts/index.js';
import { queueNameFor, type TaskQueues } from './task-queues.js';
import { taskFields, usesFlow } from './task-records.js';
import type { ReadyTask, SubmitOptions, TaskStatus } from './types.js';

export interface CancelOutcome {
  status: string;
  removedJobs: number;
  runningTasks: string[];
}

/**
 * Writing runs: submit, cancel, retry. Each records its change in Redis, then adds the jobs
 * and publishes what workers must hear, so no caller does those steps by hand.
 */
export class RunWriter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptRunner,
    private readonly queues: TaskQueues,
    private readonly events: FleetEvents,
  ) {}

  /** Writes the run and all its tasks in one transaction (all or nothing), then enqueues the roots. */
  async submit(plan: Plan, opts: SubmitOptions): Promise<{ runId: string; roots: ReadyTask[] }> {
    if (!isRunId(opts.runId)) throw new InputError(`invalid run id '${opts.runId}'`);
    if (await this.redis.exists(this.keys.run(opts.runId))) throw new InputError(`run ${opts.runId} already exists`);
    const { tx, roots, queues } = this.submitTransaction(plan, opts);
    const known = await this.redis.hmget(this.keys.queues(), ...queues);
    const res = await tx.exec();
    const failed = res?.find(([err]) => err);
    if (!res || failed) throw new FleetError('internal', `submit of run ${opts.runId} failed: ${failed?.[0]?.message ?? 'transaction aborted'}`);
    // A queue no worker listens to yet: workers subscribe to it before its first job matters.
    if (known.some((v) => v === null)) await this.events.publish({ type: 'queues' });
    await this.queues.add(roots);
    return { runId: opts.runId, roots };
  }

  private submitTransaction(plan: Plan, opts: SubmitOptions) {
    const sched = buildSchedule(plan.tasks, opts.schedule, opts.integrate ? mergeQueueTask(plan, opts.integrate) : undefined);
    const now = Date.now();
    const k = this.keys;
    const runId = opts.runId;
    const tx = this.redis.multi();
    const realCount = sched.order.length;
    tx.hset(k.run(runId), runFields(plan, opts, realCount, now));
    const { roots, queueLabels } = this.writeTasks(tx, plan, sched, runId, now);
    const order = sched.order;
    for (let i = 0; i < order.length; i += 5000) tx.rpush(k.runTasks(runId), ...order.slice(i, i + 5000));
    // queued is not kept: it is the inflight members that are not running (run-reader.ts)
    tx.hset(k.runCounts(runId), { ...emptyCounts(), queued: 0, blocked: realCount - roots.length });
    for (const [q, labels] of queueLabels) tx.hset(k.queues(), q, JSON.stringify(labels));
    tx.zadd(k.runs(), now, runId);
    tx.sadd(k.activeRuns(), runId);
    return { tx, roots, queues: [...queueLabels.keys()] };
  }

  /** Every task's hash in the transaction; the roots recorded queued (their jobs follow the transaction). */
  private writeTasks(tx: ChainableCommander, plan: Plan, sched: ReturnType<typeof buildSchedule>, runId: string, now: number) {
    const queueLabels = new Map<string, string[]>();
    const roots: ReadyTask[] = [];
    for (const node of sched.nodes) {
      const key = this.keys.task(runId, node.id);
      if (node.barrier) {
        tx.hset(key, { id: node.id, barrier: '1', status: 'blocked', pending: node.pending, next: JSON.stringify(node.next) });
        continue;
      }
      const spec = node.spec!;
      const queue = queueNameFor(spec.labels, PROTOCOL_VERSION, sandboxNeedOf(spec, plan.repo?.setup));
      queueLabels.set(queue, [...new Set(spec.labels)].sort());
      // Roots are recorded queued at once; their jobs are added right after the transaction.
      const ready = node.pending === 0;
      const backoffMs = spec.backoffMs ?? 2000;
      tx.hset(key, { ...taskFields(spec, { ...node, status: ready ? 'queued' : 'blocked', queue }), ...(node.finally ? { finally: '1' } : {}), ...(ready ? { readyAt: now, queuedAt: now } : {}) });
      if (ready) {
        tx.sadd(this.keys.runInflight(runId), spec.id);
        roots.push({ runId, taskId: spec.id, queue, attempts: spec.retries + 1, backoffMs, priority: node.priority, jobSeq: 0 });
      }
    }
    return { roots, queueLabels };
  }

  async cancel(runId: string, reason = 'cancelled by user'): Promise<CancelOutcome> {
    await requireRun(this.redis, this.keys, runId);
    const res = await this.scripts.run(cancelScript, { runId, reason });
    if (res.ended) return { status: res.status, removedJobs: 0, runningTasks: [] };
    const running: string[] = [];
    let removed = 0;
    for (const t of res.inflight) {
      if (t.before === 'running') running.push(t.taskId);
      else if (await this.queues.remove(t.queue, jobIdOf(runId, t.taskId, t.jobSeq))) removed++;
    }
    await this.events.publish({ type: 'cancel', runId, tasks: running });
    return { status: 'cancelled', removedJobs: removed, runningTasks: running };
  }

  /** Re-queues failed and/or skipped tasks and enqueues those ready at once. Returns the tasks re-opened. */
  async retry(runId: string, only?: 'failed' | 'skipped'): Promise<{ reopened: string[]; ready: ReadyTask[] }> {
    await requireRun(this.redis, this.keys, runId);
    const info = await this.taskGraph(runId);
    const wanted = (s: TaskStatus) => (only ? s === only : s === 'failed' || s === 'skipped');
    // A task can re-run only when each dependency succeeded or re-runs too (ids are in topo order).
    const chosen = new Set<string>();
    for (const [id, t] of info) {
      if (wanted(t.status) && t.deps.every((d) => info.get(d)?.status === 'succeeded' || chosen.has(d))) chosen.add(id);
    }
    if (chosen.size === 0) return { reopened: [], ready: [] };
    const items = withMergeQueueAgain(
      [...chosen].map((id) => {
        const t = info.get(id)!;
        return { id, pending: t.deps.filter((d) => chosen.has(d)).length, next: t.dependents.filter((d) => chosen.has(d)) };
      }),
      (id) => info.get(id)?.status,
    );
    // (the script gives each re-opened task a new job id: old failed jobs stay as they are)
    const ready = await this.scripts.run(retryScript, { runId, items });
    await this.queues.add(ready);
    return { reopened: items.map((i) => i.id), ready };
  }

  /** `fleet budget RUN --raise USD`: a paused run under its new budget resumes, its budget-parked tasks queued again. */
  async raiseBudget(runId: string, usd: number): Promise<Extract<RaiseBudgetResult, { ok: true }>> {
    await requireRun(this.redis, this.keys, runId);
    const res = await this.scripts.run(raiseBudgetScript, { runId, usd });
    if (!res.ok) throw new InputError(`run ${runId} has no budget to raise (budgets.perRunUsd was not set in fleet.yaml when it was submitted)`);
    await this.queues.add(res.woken);
    return res;
  }

  /** Status, dependencies, dependents and queue of every task, in topological order. */
  private async taskGraph(runId: string) {
    const ids = await this.redis.lrange(this.keys.runTasks(runId), 0, -1);
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hmget(this.keys.task(runId, id), 'status', 'deps', 'dependents', 'queue');
    const rows = ((await pipe.exec()) ?? []).map((r) => r[1] as (string | null)[]);
    return new Map(
      ids.map((id, i) => {
        const r = rows[i] ?? [];
        return [id, { status: r[0] as TaskStatus, deps: JSON.parse(r[1] ?? '[]') as string[], dependents: JSON.parse(r[2] ?? '[]') as string[], queue: r[3] ?? 'tasks' }];
      }),
    );
  }
}

/** A run id from a user: well-formed and present, or one clear message. */
export async function requireRun(redis: Redis, keys: Keys, runId: string): Promise<void> {
  if (!isRunId(runId)) throw new InputError(`invalid run id '${runId}'`);
  if (!(await redis.exists(keys.run(runId)))) throw new InputError(`no run '${runId}' in Redis (see 'fleet runs')`);
}

/** The run's hash as submit writes it. */
function runFields(plan: Plan, opts: SubmitOptions, taskCount: number, now: number): Record<string, string | number> {
  return {
    id: opts.runId,
    name: plan.name,
    status: 'queued',
    schedule: opts.schedule,
    failFast: opts.failFast ? '1' : '0',
    baseCommit: opts.baseCommit ?? '',
    repo: JSON.stringify(plan.repo ?? null),
    clean: plan.clean,
    config: JSON.stringify(opts.config),
    integrate: opts.integrate ?? '',
    createdAt: now,
    remaining: taskCount,
    total: taskCount,
    costUsd: 0,
    protocol: PROTOCOL_VERSION,
    // the run pauses when its spend reaches it (includes/budget.lua); `fleet budget --raise` grows it
    ...(opts.config.budgets?.perRunUsd !== undefined ? { budgetUsd: opts.config.budgets.perRunUsd } : {}),
    // what a plan fragment of an `expands: true` task starts from
    defaults: JSON.stringify(plan.defaults),
    ...(usesFlow(plan.tasks) ? { flow: '1' } : {}),
  };
}

import type { Redis } from 'ioredis';
import { FleetError, InputError, isRunId, type FleetConfig, type Plan, type Schedule, type TaskSpec } from '@agentfleet/core';
import { Keys } from './keys.js';
import { defineScripts, type ScriptName } from './scripts.js';
import { queueNameFor, TaskQueues, type ReadyTask } from './task-queues.js';
import { buildSchedule } from './schedule.js';
import { toRunSummary, toTaskReport, emptyCounts } from './records.js';
import { parseStats } from './stats.js';
import { HostRegistry } from './host-registry.js';
import type { Queue } from 'bullmq';
import {
  DURATION_BUCKETS_SECONDS,
  WAIT_BUCKETS_SECONDS,
  type RunReport,
  type RunStatus,
  type RunWithCounts,
  type TaskReport,
  type TaskStatus,
  type Usage,
  type ReviewRecord,
  type FleetStats,
  type HostStatus,
  type QueueCount,
} from './types.js';

/** What a run remembers of the config: never secrets (they stay in host environments). */
export type RunConfig = Pick<FleetConfig, 'providers' | 'pricing' | 'budgets' | 'git'>;

export interface SubmitOptions {
  runId: string;
  schedule: Schedule;
  failFast: boolean;
  baseCommit: string | null;
  config: RunConfig;
  integrate?: string;
}

export interface TaskContext {
  runId: string;
  taskId: string;
  spec: TaskSpec;
  run: { name: string; repo: Plan['repo'] | null; baseCommit: string | null; clean: Plan['clean']; config: RunConfig; costUsd: number };
  /** Result commits of the task's dependencies, in topological order (empty if inherit: false). */
  depResults: { taskId: string; commit: string }[];
  attempts: number;
}

export interface TaskResult {
  branch?: string | null;
  commit?: string | null;
  diff?: { files: number; insertions: number; deletions: number } | null;
  provider?: string | null;
  model?: string | null;
  usage?: Usage;
  costUsd?: number;
  outputTail?: string | null;
  summary?: string | null;
  review?: ReviewRecord[] | null;
  durationMs?: number;
}

/** Which attempt speaks: the worker that claimed the task and the attempt number it got. */
export interface AttemptOwner {
  worker: string;
  attempt: number;
}

export interface CompleteOutcome {
  duplicate: boolean;
  /** the attempt no longer owned the task: nothing was recorded */
  stale: boolean;
  ready: ReadyTask[];
  runFinished: RunStatus | null;
  failFast: boolean;
}

const MODEL_AGENTS = new Set(['codex', 'claude', 'llm']);

/** Run and task state in Redis. The only place that knows the key layout. */
export class FleetStore {
  readonly keys: Keys;
  private readonly scripts: ReturnType<typeof defineScripts>;
  readonly queues: TaskQueues;
  readonly hosts: HostRegistry;

  constructor(
    readonly redis: Redis,
    readonly prefix: string = 'af',
  ) {
    this.keys = new Keys(prefix);
    this.scripts = defineScripts(redis);
    this.queues = new TaskQueues(redis, prefix);
    this.hosts = new HostRegistry(redis, this.keys);
  }

  async close(): Promise<void> {
    await this.queues.close();
    this.redis.disconnect();
  }

  // ---------------------------------------------------------------- fleet-wide figures (monitor, top)

  async readStats(): Promise<FleetStats> {
    return parseStats(await this.redis.hgetall(this.keys.stats()));
  }

  listHosts(): Promise<HostStatus[]> {
    return this.hosts.list();
  }

  /** Every task queue BullMQ knows of, for bull-board and the queue-depth metrics. */
  async taskQueues(): Promise<Queue[]> {
    return (await this.knownQueues()).map((n) => this.queues.get(n) as unknown as Queue);
  }

  async queueCounts(): Promise<QueueCount[]> {
    const out: QueueCount[] = [];
    for (const name of await this.knownQueues()) {
      const counts = await this.queues.get(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children');
      for (const [state, count] of Object.entries(counts)) out.push({ queue: name, state: state as QueueCount['state'], count });
    }
    return out;
  }

  async redisInfo(): Promise<{ usedMemory: number; maxMemory: number }> {
    const info = await this.redis.info('memory');
    const num = (k: string) => Number(new RegExp(`${k}:(\\d+)`).exec(info)?.[1] ?? 0);
    return { usedMemory: num('used_memory'), maxMemory: num('maxmemory') };
  }

  private runKeys(runId: string): string[] {
    const k = this.keys;
    return [k.run(runId), k.runCounts(runId), k.runInflight(runId), k.stats(), k.activeRuns(), k.failures(), k.runTasks(runId)];
  }

  private call(name: ScriptName, runId: string, ...args: (string | number)[]): Promise<unknown> {
    return this.scripts[name](...this.runKeys(runId), this.keys.taskPrefix(runId), ...args);
  }

  // ---------------------------------------------------------------- submit

  /** Writes the run and all its tasks in one transaction: all or nothing. Returns the roots. */
  async submit(plan: Plan, opts: SubmitOptions): Promise<ReadyTask[]> {
    if (!isRunId(opts.runId)) throw new InputError(`invalid run id '${opts.runId}'`);
    if (await this.redis.exists(this.keys.run(opts.runId))) throw new InputError(`run ${opts.runId} already exists`);
    const sched = buildSchedule(plan.tasks, opts.schedule);
    const now = Date.now();
    const k = this.keys;
    const runId = opts.runId;
    const tx = this.redis.multi();
    const realCount = plan.tasks.length;
    tx.hset(k.run(runId), {
      id: runId,
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
      remaining: realCount,
      total: realCount,
      costUsd: 0,
    });
    const queueLabels = new Map<string, string[]>();
    const roots: ReadyTask[] = [];
    for (const node of sched.nodes) {
      const key = k.task(runId, node.id);
      if (node.barrier) {
        tx.hset(key, { id: node.id, barrier: '1', status: 'blocked', pending: node.pending, next: JSON.stringify(node.next) });
        continue;
      }
      const spec = node.spec!;
      const queue = queueNameFor(spec.labels);
      queueLabels.set(queue, [...new Set(spec.labels)].sort());
      // Roots are recorded queued at once; their jobs are added right after the transaction.
      const ready = node.pending === 0;
      tx.hset(key, {
        id: spec.id,
        title: spec.title,
        agent: spec.agent,
        status: ready ? 'queued' : 'blocked',
        pending: node.pending,
        next: JSON.stringify(node.next),
        deps: JSON.stringify(spec.deps),
        dependents: JSON.stringify(node.dependents),
        queue,
        maxAttempts: spec.retries + 1,
        backoffMs: spec.backoffMs ?? 2000,
        priority: node.priority,
        attempts: 0,
        spec: JSON.stringify(spec),
        ...(ready ? { readyAt: now, queuedAt: now } : {}),
      });
      if (ready) {
        tx.sadd(k.runInflight(runId), spec.id);
        roots.push({ runId, taskId: spec.id, queue, attempts: spec.retries + 1, backoffMs: spec.backoffMs ?? 2000, priority: node.priority });
      }
    }
    const order = sched.order;
    for (let i = 0; i < order.length; i += 5000) tx.rpush(k.runTasks(runId), ...order.slice(i, i + 5000));
    tx.hset(k.runCounts(runId), { ...emptyCounts(), queued: roots.length, blocked: realCount - roots.length });
    for (const [q, labels] of queueLabels) tx.hset(k.queues(), q, JSON.stringify(labels));
    tx.zadd(k.runs(), now, runId);
    tx.sadd(k.activeRuns(), runId);
    const res = await tx.exec();
    const failed = res?.find(([err]) => err);
    if (!res || failed) throw new FleetError('internal', `submit of run ${runId} failed: ${failed?.[0]?.message ?? 'transaction aborted'}`);
    return roots;
  }

  /**
   * Adds the jobs of tasks the DAG scripts made ready (they are already recorded queued).
   * Lost in a crash, they are added by the reconciler: a queued task without a job.
   */
  async enqueue(ready: readonly ReadyTask[]): Promise<void> {
    if (ready.length === 0) return;
    await this.queues.add(ready);
  }

  // ---------------------------------------------------------------- worker side

  /** Starts a task (one more attempt); returns its record, or why there is nothing to run. */
  async claim(
    runId: string,
    taskId: string,
    host: string,
    worker: string,
  ): Promise<{ ok: true; attempts: number; task: Record<string, string> } | { ok: false; status: string }> {
    const res = (await this.call('claim', runId, taskId, host, worker, JSON.stringify(WAIT_BUCKETS_SECONDS))) as [string, string | number, string[]?];
    if (res[0] !== 'ok') return { ok: false, status: String(res[1]) };
    const flat = res[2] ?? [];
    const task: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) task[flat[i]!] = flat[i + 1]!;
    return { ok: true, attempts: Number(res[1]), task };
  }

  /** Run fields that never change after submit, cached per process (every task of a run reads them). */
  private runCache = new Map<string, TaskContext['run']>();
  private async runStatic(runId: string): Promise<TaskContext['run']> {
    let run = this.runCache.get(runId);
    if (!run) {
      const h = await this.redis.hgetall(this.keys.run(runId));
      if (!h.id) throw new FleetError('internal', `run ${runId} not found in Redis`);
      run = {
        name: h.name ?? '',
        repo: JSON.parse(h.repo ?? 'null') as Plan['repo'] | null,
        baseCommit: h.baseCommit || null,
        clean: (h.clean as Plan['clean']) ?? 'all',
        config: JSON.parse(h.config ?? '{}') as RunConfig,
        costUsd: 0,
      };
      if (this.runCache.size > 100) this.runCache.clear();
      this.runCache.set(runId, run);
    }
    return run;
  }

  /** Everything a worker needs to run a claimed task. */
  async taskContext(runId: string, taskId: string, task?: Record<string, string>): Promise<TaskContext> {
    const record = task ?? (await this.redis.hgetall(this.keys.task(runId, taskId)));
    if (!record.id) throw new FleetError('internal', `task ${runId}/${taskId} not found in Redis`);
    const spec = JSON.parse(record.spec ?? '{}') as TaskSpec;
    const run = { ...(await this.runStatic(runId)) };
    if (MODEL_AGENTS.has(spec.agent)) run.costUsd = Number((await this.redis.hget(this.keys.run(runId), 'costUsd')) ?? 0);
    const depResults: { taskId: string; commit: string }[] = [];
    // Only git workspaces merge results; transitive results are already merged into each
    // dependency's commit, so direct deps suffice, in the run's topological order.
    if (run.repo && spec.inherit !== false && spec.deps.length) {
      const pipe = this.redis.pipeline();
      for (const d of spec.deps) pipe.hget(this.keys.task(runId, d), 'commit');
      const commits = (await pipe.exec()) ?? [];
      const order = await this.topoIndex(runId);
      const pairs = spec.deps.map((d, i) => ({ taskId: d, commit: (commits[i]?.[1] as string | null) ?? '' }));
      pairs.sort((a, b) => (order.get(a.taskId) ?? 0) - (order.get(b.taskId) ?? 0));
      for (const p of pairs) if (p.commit) depResults.push(p);
    }
    return { runId, taskId, spec, run, depResults, attempts: Number(record.attempts ?? 0) };
  }

  private topoCache = new Map<string, Map<string, number>>();
  private async topoIndex(runId: string): Promise<Map<string, number>> {
    let m = this.topoCache.get(runId);
    if (!m) {
      const ids = await this.redis.lrange(this.keys.runTasks(runId), 0, -1);
      m = new Map(ids.map((id, i) => [id, i]));
      if (this.topoCache.size > 50) this.topoCache.clear();
      this.topoCache.set(runId, m);
    }
    return m;
  }

  /** perRunUsd: model-backed tasks of a run over budget are not started. */
  isOverRunBudget(ctx: TaskContext): boolean {
    const limit = ctx.run.config.budgets?.perRunUsd;
    return limit !== undefined && MODEL_AGENTS.has(ctx.spec.agent) && ctx.run.costUsd >= limit;
  }

  async complete(
    runId: string,
    taskId: string,
    outcome: 'succeeded' | 'failed',
    result: TaskResult,
    meta: { agent: string; error?: { kind: string; message: string }; owner?: AttemptOwner },
  ): Promise<CompleteOutcome> {
    const fields: (string | number)[] = [];
    const put = (k: string, v: unknown) => {
      if (v === undefined || v === null) return;
      fields.push(k, typeof v === 'string' || typeof v === 'number' ? v : JSON.stringify(v));
    };
    put('branch', result.branch);
    put('commit', result.commit);
    put('diff', result.diff);
    put('provider', result.provider);
    put('model', result.model);
    put('usage', result.usage);
    put('costUsd', result.costUsd);
    put('outputTail', result.outputTail);
    put('summary', result.summary);
    put('review', result.review);
    put('durationMs', result.durationMs);
    const durationSec = (result.durationMs ?? 0) / 1000;
    const bucket = bucketOf(durationSec, DURATION_BUCKETS_SECONDS);
    const stats = {
      agent: meta.agent,
      durationBucket: result.durationMs !== undefined ? bucket : undefined,
      durationSec,
      model: result.model ?? '',
      input: result.usage?.input ?? 0,
      cachedInput: result.usage?.cachedInput ?? 0,
      output: result.usage?.output ?? 0,
      costUsd: result.costUsd ?? 0,
    };
    const res = (await this.call(
      'complete',
      runId,
      taskId,
      outcome,
      JSON.stringify(fields),
      JSON.stringify(stats),
      meta.error?.kind ?? '',
      meta.error?.message ?? '',
      meta.owner?.worker ?? '',
      meta.owner?.attempt ?? '',
    )) as string[];
    return {
      duplicate: res[0] === 'dup',
      stale: res[0] === 'stale',
      runFinished: (res[1] || null) as RunStatus | null,
      failFast: res[2] === '1',
      ready: parseReady(runId, res.slice(3)),
    };
  }

  /** Records a failed attempt that BullMQ will retry (only if the attempt still owns the task). */
  async retrying(runId: string, taskId: string, error: { kind: string; message: string }, owner: AttemptOwner): Promise<void> {
    await this.call('retrying', runId, taskId, error.kind, error.message.slice(0, 2000), owner.worker, owner.attempt);
  }

  /**
   * The fence before side effects outside Redis (pushing the branch): does this attempt still
   * own the task? A worker cut off from Redis may have been replaced by another attempt.
   */
  async ownsAttempt(runId: string, taskId: string, owner: AttemptOwner): Promise<boolean> {
    const [status, worker, attempts] = await this.redis.hmget(this.keys.task(runId, taskId), 'status', 'worker', 'attempts');
    return status === 'running' && worker === owner.worker && attempts === String(owner.attempt);
  }

  // ---------------------------------------------------------------- integration (--integrate)

  /** What `--integrate BRANCH` merges when the run ends: the leaf tasks that succeeded. */
  async integrationInputs(runId: string): Promise<{ branch: string; results: { taskId: string; commit: string }[] } | null> {
    const branch = await this.redis.hget(this.keys.run(runId), 'integrate');
    if (!branch) return null;
    const ids = await this.redis.lrange(this.keys.runTasks(runId), 0, -1);
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hmget(this.keys.task(runId, id), 'status', 'dependents', 'commit');
    const rows = ((await pipe.exec()) ?? []).map((r) => r[1] as (string | null)[]);
    const results: { taskId: string; commit: string }[] = [];
    ids.forEach((id, i) => {
      const [status, dependents, commit] = rows[i] ?? [];
      if (status === 'succeeded' && commit && (JSON.parse(dependents ?? '[]') as string[]).length === 0) results.push({ taskId: id, commit });
    });
    return { branch, results };
  }

  /** True while a finished run still waits for its `--integrate` merge to be recorded. */
  async integrationPending(runId: string): Promise<boolean> {
    const [branch, done] = await this.redis.hmget(this.keys.run(runId), 'integrate', 'integration');
    return Boolean(branch) && !done;
  }

  async recordIntegration(runId: string, result: { branch: string; merged: string[]; conflicts: { taskId: string; paths: string[] }[]; commit?: string; error?: string }): Promise<void> {
    await this.redis.hset(this.keys.run(runId), 'integration', JSON.stringify(result));
  }

  // ---------------------------------------------------------------- control

  async cancel(runId: string, reason = 'cancelled by user'): Promise<{ status: string; removedJobs: number; runningTasks: string[] }> {
    await this.requireRun(runId);
    const res = (await this.call('cancel', runId, reason)) as string[];
    if (res[0] === 'terminal') return { status: String(res[1]), removedJobs: 0, runningTasks: [] };
    const running: string[] = [];
    let removed = 0;
    for (let i = 2; i + 2 < res.length; i += 3) {
      const [tid, queue, before] = [res[i]!, res[i + 1]!, res[i + 2]!];
      if (before === 'running') running.push(tid);
      else if (await this.queues.remove(queue, `${runId}.${tid}`)) removed++;
    }
    await this.publish({ type: 'cancel', runId, tasks: running });
    return { status: 'cancelled', removedJobs: removed, runningTasks: running };
  }

  /** Re-queues failed and/or skipped tasks. Returns the tasks re-opened. */
  async retry(runId: string, only?: 'failed' | 'skipped'): Promise<{ reopened: string[]; ready: ReadyTask[] }> {
    await this.requireRun(runId);
    const ids = await this.redis.lrange(this.keys.runTasks(runId), 0, -1);
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hmget(this.keys.task(runId, id), 'status', 'deps', 'dependents', 'queue');
    const rows = ((await pipe.exec()) ?? []).map((r) => r[1] as (string | null)[]);
    const info = new Map(ids.map((id, i) => {
      const r = rows[i] ?? [];
      return [id, { status: r[0] as TaskStatus, deps: JSON.parse(r[1] ?? '[]') as string[], dependents: JSON.parse(r[2] ?? '[]') as string[], queue: r[3] ?? 'tasks' }];
    }));
    const wanted = (s: TaskStatus) => (only ? s === only : s === 'failed' || s === 'skipped');
    // A task can re-run only when each dependency succeeded or re-runs too (ids are in topo order).
    const chosen = new Set<string>();
    for (const id of ids) {
      const t = info.get(id)!;
      if (!wanted(t.status)) continue;
      if (t.deps.every((d) => info.get(d)?.status === 'succeeded' || chosen.has(d))) chosen.add(id);
    }
    const items = [...chosen].map((id) => {
      const t = info.get(id)!;
      return { id, pending: t.deps.filter((d) => chosen.has(d)).length, next: t.dependents.filter((d) => chosen.has(d)) };
    });
    if (items.length === 0) return { reopened: [], ready: [] };
    // Old failed jobs keep their ids; remove them so the deterministic id can be added again.
    for (const id of chosen) await this.queues.remove(info.get(id)!.queue, `${runId}.${id}`);
    const res = (await this.call('retry', runId, JSON.stringify(items))) as string[];
    return { reopened: [...chosen], ready: parseReady(runId, res.slice(1)) };
  }

  // ---------------------------------------------------------------- reading

  private async requireRun(runId: string): Promise<void> {
    if (!isRunId(runId)) throw new InputError(`invalid run id '${runId}'`);
    if (!(await this.redis.exists(this.keys.run(runId)))) throw new InputError(`no run '${runId}' in Redis (see 'fleet runs')`);
  }

  async getRun(runId: string): Promise<RunWithCounts> {
    await this.requireRun(runId);
    const [run, counts] = await Promise.all([this.redis.hgetall(this.keys.run(runId)), this.redis.hgetall(this.keys.runCounts(runId))]);
    return withCounts(run, counts);
  }

  async latestRunId(): Promise<string | null> {
    const ids = await this.redis.zrevrange(this.keys.runs(), 0, 0);
    return ids[0] ?? null;
  }

  async listRuns(opts: { active?: boolean; limit?: number } = {}): Promise<RunWithCounts[]> {
    const ids = opts.active
      ? await this.redis.smembers(this.keys.activeRuns())
      : await this.redis.zrevrange(this.keys.runs(), 0, (opts.limit ?? 20) - 1);
    const pipe = this.redis.pipeline();
    for (const id of ids) {
      pipe.hgetall(this.keys.run(id));
      pipe.hgetall(this.keys.runCounts(id));
    }
    const res = (await pipe.exec()) ?? [];
    const out: RunWithCounts[] = [];
    for (let i = 0; i < ids.length; i++) {
      const run = res[2 * i]?.[1] as Record<string, string>;
      if (run?.id) out.push(withCounts(run, res[2 * i + 1]?.[1] as Record<string, string>));
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async report(runId: string): Promise<RunReport> {
    await this.requireRun(runId);
    const run = await this.redis.hgetall(this.keys.run(runId));
    const ids = await this.redis.lrange(this.keys.runTasks(runId), 0, -1);
    const tasks: TaskReport[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const pipe = this.redis.pipeline();
      for (const id of ids.slice(i, i + 1000)) pipe.hgetall(this.keys.task(runId, id));
      for (const [, h] of (await pipe.exec()) ?? []) tasks.push(toTaskReport(h as Record<string, string>, runId));
    }
    const count = (s: TaskStatus) => tasks.filter((t) => t.status === s).length;
    const summary = toRunSummary(run);
    const start = summary.startedAt ? Date.parse(summary.startedAt) : null;
    const end = summary.finishedAt ? Date.parse(summary.finishedAt) : null;
    return {
      run: summary,
      ...(run.integration ? { integration: JSON.parse(run.integration) as RunReport['integration'] } : {}),
      tasks,
      totals: {
        tasks: tasks.length,
        succeeded: count('succeeded'),
        failed: count('failed'),
        skipped: count('skipped'),
        cancelled: count('cancelled'),
        durationMs: start !== null ? (end ?? Date.now()) - start : 0,
        costUsd: round6(tasks.reduce((s, t) => s + t.costUsd, 0)),
      },
    };
  }

  /** Tasks currently running, with the host/worker that holds them. */
  async runningTasks(runId: string): Promise<{ taskId: string; host: string; worker: string; startedAt: number }[]> {
    const ids = await this.redis.smembers(this.keys.runInflight(runId));
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hmget(this.keys.task(runId, id), 'status', 'host', 'worker', 'startedAt');
    const rows = (await pipe.exec()) ?? [];
    const out = [];
    for (let i = 0; i < ids.length; i++) {
      const r = rows[i]?.[1] as (string | null)[];
      if (r?.[0] === 'running') out.push({ taskId: ids[i]!, host: r[1] ?? '', worker: r[2] ?? '', startedAt: Number(r[3] ?? 0) });
    }
    return out;
  }

  async recentFailures(limit = 10): Promise<{ runId: string; taskId: string; kind: string; message: string; finishedAt: number }[]> {
    const rows = await this.redis.lrange(this.keys.failures(), 0, limit - 1);
    return rows.map((r) => JSON.parse(r) as { runId: string; taskId: string; kind: string; message: string; finishedAt: number });
  }

  /** Pub/sub notifications (cancel, scale, drain) for daemons and workers. */
  async publish(event: FleetEvent): Promise<void> {
    await this.redis.publish(this.keys.events(), JSON.stringify(event));
  }

  eventsChannel(): string {
    return this.keys.events();
  }

  async knownQueues(): Promise<string[]> {
    const names = await this.redis.hkeys(this.keys.queues());
    return names.length ? names.sort() : ['tasks'];
  }
}

export type FleetEvent =
  | { type: 'cancel'; runId: string; tasks: string[] }
  | { type: 'scale'; host: string; slots: number }
  | { type: 'drain'; host: string; drain: boolean }
  | { type: 'queues' };

function bucketOf(value: number, bounds: readonly number[]): number {
  for (let i = 0; i < bounds.length; i++) if (value <= bounds[i]!) return i + 1;
  return bounds.length + 1;
}

function parseReady(runId: string, flat: string[]): ReadyTask[] {
  const out: ReadyTask[] = [];
  for (let i = 0; i + 4 < flat.length; i += 5) {
    out.push({ runId, taskId: flat[i]!, queue: flat[i + 1]!, attempts: Number(flat[i + 2]), backoffMs: Number(flat[i + 3]), priority: Number(flat[i + 4]) });
  }
  return out;
}

function withCounts(run: Record<string, string>, counts: Record<string, string> | undefined): RunWithCounts {
  const c = emptyCounts();
  for (const [k, v] of Object.entries(counts ?? {})) if (k in c) c[k as TaskStatus] = Number(v);
  return { ...toRunSummary(run), counts: c, total: Number(run.total ?? 0), costUsd: Number(run.costUsd ?? 0) };
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}


import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import { emptyCounts, round6, toRunSummary, toTaskReport } from './records.js';
import { requireRun } from './run-writer.js';
import type { GraphTask, IntegrationResult, RunReport, RunWithCounts, TaskReport, TaskStatus } from './types.js';

/** Reading runs: status with counts, lists, the report, what runs now, recent failures. */
export class RunReader {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async get(runId: string): Promise<RunWithCounts> {
    await requireRun(this.redis, this.keys, runId);
    const [run, counts, inflight] = await Promise.all([this.redis.hgetall(this.keys.run(runId)), this.redis.hgetall(this.keys.runCounts(runId)), this.redis.scard(this.keys.runInflight(runId))]);
    return withCounts(run, counts, inflight);
  }

  async latestId(): Promise<string | null> {
    const ids = await this.redis.zrevrange(this.keys.runs(), 0, 0);
    return ids[0] ?? null;
  }

  async list(opts: { active?: boolean; limit?: number } = {}): Promise<RunWithCounts[]> {
    const ids = opts.active ? await this.redis.smembers(this.keys.activeRuns()) : await this.redis.zrevrange(this.keys.runs(), 0, (opts.limit ?? 20) - 1);
    const pipe = this.redis.pipeline();
    for (const id of ids) {
      pipe.hgetall(this.keys.run(id));
      pipe.hgetall(this.keys.runCounts(id));
      pipe.scard(this.keys.runInflight(id));
    }
    const res = (await pipe.exec()) ?? [];
    const out: RunWithCounts[] = [];
    for (let i = 0; i < ids.length; i++) {
      const run = res[3 * i]?.[1] as Record<string, string>;
      if (run?.id) out.push(withCounts(run, res[3 * i + 1]?.[1] as Record<string, string>, Number(res[3 * i + 2]?.[1] ?? 0)));
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async report(runId: string): Promise<RunReport> {
    await requireRun(this.redis, this.keys, runId);
    const run = await this.redis.hgetall(this.keys.run(runId));
    const tasks = await this.tasks(runId);
    const count = (s: TaskStatus) => tasks.filter((t) => t.status === s).length;
    const summary = toRunSummary(run);
    const start = summary.startedAt ? Date.parse(summary.startedAt) : null;
    const end = summary.finishedAt ? Date.parse(summary.finishedAt) : null;
    return {
      run: summary,
      ...(run.integration ? { integration: JSON.parse(run.integration) as IntegrationResult } : {}),
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

  private async tasks(runId: string): Promise<TaskReport[]> {
    const ids = await this.redis.lrange(this.keys.runTasks(runId), 0, -1);
    const tasks: TaskReport[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const pipe = this.redis.pipeline();
      for (const id of ids.slice(i, i + 1000)) pipe.hgetall(this.keys.task(runId, id));
      for (const [, h] of (await pipe.exec()) ?? []) tasks.push(toTaskReport(h as Record<string, string>, runId));
    }
    return tasks;
  }

  /** One task's status and attempt count, or null when the run has no such task. */
  async taskState(runId: string, taskId: string): Promise<{ status: TaskStatus; attempts: number; host: string | null } | null> {
    const [id, status, attempts, host] = await this.redis.hmget(this.keys.task(runId, taskId), 'id', 'status', 'attempts', 'host');
    return id ? { status: (status as TaskStatus) ?? 'blocked', attempts: Number(attempts ?? 0), host: host || null } : null;
  }

  /** The run's tasks as a graph (the console draws it): ids, titles, dependencies, estimates and where each stands. */
  async graph(runId: string): Promise<GraphTask[]> {
    const ids = await this.taskIds(runId);
    const out: GraphTask[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const pipe = this.redis.pipeline();
      for (const id of ids.slice(i, i + 1000)) pipe.hmget(this.keys.task(runId, id), 'title', 'agent', 'deps', 'spec', 'status', 'startedAt');
      for (const [j, [, row]] of ((await pipe.exec()) ?? []).entries()) {
        const [title, agent, deps, spec, status, startedAt] = row as (string | null)[];
        const estimateMs = Number((JSON.parse(spec ?? '{}') as { estimateMs?: number }).estimateMs ?? 0);
        out.push({ id: ids[i + j]!, title: title ?? '', agent: agent ?? '', deps: JSON.parse(deps ?? '[]') as string[], estimateMs, status: (status as TaskStatus) ?? 'blocked', startedAt: startedAt ? Number(startedAt) : null });
      }
    }
    return out;
  }

  /** Every task's status now, in topological order (what a live view refreshes). */
  async statuses(runId: string, ids?: readonly string[]): Promise<Map<string, TaskStatus>> {
    const list = ids ?? (await this.taskIds(runId));
    const pipe = this.redis.pipeline();
    for (const id of list) pipe.hget(this.keys.task(runId, id), 'status');
    const rows = (await pipe.exec()) ?? [];
    return new Map(list.map((id, i) => [id, ((rows[i]?.[1] as string | null) ?? 'blocked') as TaskStatus]));
  }

  /**
   * The run's repository and where its result branches are pushed (null for a run without one);
   * `scratch`: to each host's own scratch repository (an eval run without --push), not to `push`.
   */
  async repo(runId: string): Promise<{ url: string; push: string; scratch: boolean } | null> {
    const repo = JSON.parse((await this.redis.hget(this.keys.run(runId), 'repo')) ?? 'null') as { url?: string; push?: string; pushScratch?: boolean } | null;
    return repo?.url ? { url: repo.url, push: repo.push ?? repo.url, scratch: repo.pushScratch === true } : null;
  }

  /** The remote holding the run's result branches; null without one (no repository, or the hosts' scratch repositories). */
  async pushUrl(runId: string): Promise<string | null> {
    const repo = await this.repo(runId);
    return repo && !repo.scratch ? repo.push : null;
  }

  /** One task as the report shows it, or null. */
  async task(runId: string, taskId: string): Promise<TaskReport | null> {
    const h = await this.redis.hgetall(this.keys.task(runId, taskId));
    return h.id && !h.barrier ? toTaskReport(h, runId) : null;
  }

  /** The run's task ids, in topological order. */
  taskIds(runId: string): Promise<string[]> {
    return this.redis.lrange(this.keys.runTasks(runId), 0, -1);
  }

  /** Tasks running now, with the host/worker that holds them. */
  async running(runId: string): Promise<{ taskId: string; host: string; worker: string; startedAt: number }[]> {
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
}

/** Counts by status; queued is derived: tasks in flight that are not running. */
function withCounts(run: Record<string, string>, counts: Record<string, string> | undefined, inflight: number): RunWithCounts {
  const c = emptyCounts();
  for (const [k, v] of Object.entries(counts ?? {})) if (k in c) c[k as TaskStatus] = Number(v);
  c.queued = Math.max(0, inflight - c.running);
  return { ...toRunSummary(run), counts: c, total: Number(run.total ?? 0), costUsd: Number(run.costUsd ?? 0), budgetUsd: run.budgetUsd ? Number(run.budgetUsd) : null };
}

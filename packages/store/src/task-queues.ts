import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { hostServes, jobIdOf, type HostSandboxMode, type SandboxNeed } from '@agentfleet/core';
import type { ReadyTask, TaskJobData } from './types.js';

/** The queue of tasks without labels in protocol-1 runs (and the base of every queue name). */
export const DEFAULT_QUEUE = 'tasks';

/** The queue-name part of a task's sandbox need (none: whatever its host does). */
const NEED_TAGS: Record<SandboxNeed, string | null> = { bwrap: '+bwrap', unconfined: '+unconfined', host: null };

/**
 * One BullMQ queue per label set, sandbox need and protocol: `tasks` / `tasks.gpu.big` for
 * protocol 1 (the first releases) and `tasks.@2` / `tasks.gpu.big.+bwrap.@3` after. A label
 * cannot contain `@` or `+`, so a host daemon of an older release, which serves the queues
 * whose labels it carries, never serves a newer protocol's queue nor one whose need it does
 * not know.
 */
export function queueNameFor(labels: readonly string[], protocol: number, need: SandboxNeed = 'host'): string {
  const sorted = [...new Set(labels)].sort();
  const tag = NEED_TAGS[need];
  return [DEFAULT_QUEUE, ...sorted, ...(tag ? [tag] : []), ...(protocol > 1 ? [`@${protocol}`] : [])].join('.');
}

export function labelsOfQueue(name: string): string[] {
  return name.split('.').slice(1).filter((p) => !p.startsWith('@') && !p.startsWith('+'));
}

export function sandboxNeedOfQueue(name: string): SandboxNeed {
  const parts = name.split('.');
  return parts.includes(NEED_TAGS.bwrap!) ? 'bwrap' : parts.includes(NEED_TAGS.unconfined!) ? 'unconfined' : 'host';
}

export function protocolOfQueue(name: string): number {
  const last = name.split('.').pop() ?? '';
  return last.startsWith('@') ? Number(last.slice(1)) || 1 : 1;
}

/** Queues a host serves: those whose labels it carries, of its protocol or older, whose sandbox need it can meet. */
export function queuesForHost(all: readonly string[], hostLabels: readonly string[], protocol: number, sandbox: HostSandboxMode = 'bwrap'): string[] {
  const have = new Set(hostLabels);
  return all.filter((q) => protocolOfQueue(q) <= protocol && labelsOfQueue(q).every((l) => have.has(l)) && hostServes(sandboxNeedOfQueue(q), sandbox));
}

/** Completed jobs are removed in bounded fashion; failed jobs are kept for inspection. */
export const JOB_DEFAULTS: JobsOptions = {
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: false,
};

export function jobOptions(t: ReadyTask): JobsOptions {
  return {
    ...JOB_DEFAULTS,
    jobId: jobIdOf(t.runId, t.taskId, t.jobSeq),
    attempts: Math.max(1, t.attempts),
    backoff: t.backoffMs > 0 ? { type: 'exponential', delay: t.backoffMs } : undefined,
    ...(t.priority > 0 ? { priority: t.priority } : {}),
  };
}

/** Producer side of the task queues, one Queue object per name, sharing one connection. */
export class TaskQueues {
  private readonly queues = new Map<string, Queue<TaskJobData>>();

  constructor(
    private readonly connection: Redis | ConnectionOptions,
    readonly prefix: string,
  ) {}

  get(name: string): Queue<TaskJobData> {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue<TaskJobData>(name, { connection: this.connection as ConnectionOptions, prefix: this.prefix });
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  /**
   * Adds the jobs of ready tasks; a second add of the same job id is ignored by BullMQ. One
   * job (what finishing a task most often makes ready) is one add: addBulk wraps even one job
   * in MULTI, whose pipeline costs the worker more CPU than the add itself.
   */
  async add(tasks: readonly ReadyTask[]): Promise<void> {
    if (tasks.length === 1) {
      const t = tasks[0]!;
      await this.get(t.queue).add(t.taskId, { runId: t.runId, taskId: t.taskId }, jobOptions(t));
      return;
    }
    const byQueue = new Map<string, ReadyTask[]>();
    for (const t of tasks) byQueue.set(t.queue, [...(byQueue.get(t.queue) ?? []), t]);
    await Promise.all(
      [...byQueue].map(([name, list]) =>
        this.get(name).addBulk(list.map((t) => ({ name: t.taskId, data: { runId: t.runId, taskId: t.taskId }, opts: jobOptions(t) }))),
      ),
    );
  }

  /** Removes a job if it is not locked by a worker (waiting, delayed, failed, completed). */
  async remove(queue: string, jobId: string): Promise<boolean> {
    try {
      return (await this.get(queue).remove(jobId)) === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}

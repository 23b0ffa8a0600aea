import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

/** A ready task as the DAG scripts describe it: enough to add its job. */
export interface ReadyTask {
  runId: string;
  taskId: string;
  queue: string;
  attempts: number;
  backoffMs: number;
  /** BullMQ priority, 1 = first (critical path first); 0 = none */
  priority: number;
}

export interface TaskJobData {
  runId: string;
  taskId: string;
}

/** One BullMQ queue per label set: `tasks` (no labels) or `tasks.gpu.big` (labels sorted). */
export function queueNameFor(labels: readonly string[]): string {
  const sorted = [...new Set(labels)].sort();
  return sorted.length ? `tasks.${sorted.join('.')}` : 'tasks';
}

export function labelsOfQueue(name: string): string[] {
  return name === 'tasks' ? [] : name.slice('tasks.'.length).split('.');
}

/** Queues a host serves: those whose labels it carries, every one of them. */
export function queuesForHost(all: readonly string[], hostLabels: readonly string[]): string[] {
  const have = new Set(hostLabels);
  return all.filter((q) => labelsOfQueue(q).every((l) => have.has(l)));
}

/** Completed jobs are removed in bounded fashion; failed jobs are kept for inspection. */
export const JOB_DEFAULTS: JobsOptions = {
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: false,
};

export function jobOptions(t: ReadyTask): JobsOptions {
  return {
    ...JOB_DEFAULTS,
    jobId: `${t.runId}.${t.taskId}`,
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

  /** Adds the jobs of ready tasks; a second add of the same job id is ignored by BullMQ. */
  async add(tasks: readonly ReadyTask[]): Promise<void> {
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

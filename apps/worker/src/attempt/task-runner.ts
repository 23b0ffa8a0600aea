import type { Job } from 'bullmq';
import type { TaskJobData } from '@agentfleet/store';
import { TaskAttempt, type AttemptDeps } from './task-attempt.js';

export interface TaskRunnerOptions extends AttemptDeps {
  host: string;
  worker: string;
  onBusy?: (runId: string, taskId: string) => void;
  onIdle?: () => void;
}

/**
 * Turns a BullMQ job into an attempt: claim the task (nothing to do when it has ended),
 * read its context, run the attempt. Holds the running attempt so that a cancel event or a
 * shutdown can stop it.
 */
export class TaskRunner {
  private current: { runId: string; taskId: string; attempt: TaskAttempt } | null = null;

  constructor(private readonly opts: TaskRunnerOptions) {}

  get busy(): boolean {
    return this.current !== null;
  }

  /** A cancel event: stops the running attempt when it belongs to the run (and to the tasks named, if any). */
  cancelRun(runId: string, tasks: readonly string[]): void {
    const c = this.current;
    if (c && c.runId === runId && (tasks.length === 0 || tasks.includes(c.taskId))) c.attempt.stop.cancel();
  }

  /** The worker shuts down past its grace period: the running attempt stops, its task is retried. */
  abortCurrent(reason: string): void {
    this.current?.attempt.stop.shutdown(reason);
  }

  async process(job: Job<TaskJobData>): Promise<void> {
    const { runId, taskId } = job.data;
    const { store, logger, host, worker } = this.opts;
    const claim = await store.attempts.claim(runId, taskId, host, worker);
    if (!claim.ok) {
      logger.debug({ runId, taskId, status: claim.status }, 'task needs no run (already terminal or run over)');
      return;
    }
    const ctx = await store.attempts.context(runId, taskId, claim.task);
    const owner = { host, worker, attempt: claim.attempts, startedAt: claim.startedAt };
    const attempt = new TaskAttempt(this.opts, ctx, owner);
    this.current = { runId, taskId, attempt };
    this.opts.onBusy?.(runId, taskId);
    try {
      await attempt.run((job.opts.attempts ?? 1) - (job.attemptsMade + 1));
    } finally {
      this.current = null;
      this.opts.onIdle?.();
    }
  }
}

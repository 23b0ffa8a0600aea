import type { Redis } from 'ioredis';
import { FleetError, isModelBacked, type TaskSpec } from '@agentfleet/core';
import type { FleetEvents } from './fleet-events.js';
import type { Keys } from './keys.js';
import { RunContexts } from './run-contexts.js';
import { claimScript, completeScript, recordAttemptScript, retryingScript, type ClaimResult, type CompleteArgs, type RecordAttemptArgs, type RetryingArgs, type ScriptRunner } from './scripts/index.js';
import type { TaskQueues } from './task-queues.js';
import type { AttemptOwner, CompleteOutcome, TaskContext } from './types.js';

/**
 * The worker's side of a task: claim an attempt, read what it needs, end it (succeeded,
 * failed, retrying, or neither: cancelled or lost). Ending a task enqueues what became ready.
 */
export class TaskAttempts {
  private readonly runs: RunContexts;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptRunner,
    private readonly queues: TaskQueues,
    private readonly events: FleetEvents,
  ) {
    this.runs = new RunContexts(redis, keys);
  }

  /** Starts one more attempt of a task; its record, or why there is nothing to run. */
  claim(runId: string, taskId: string, host: string, worker: string): Promise<ClaimResult> {
    return this.scripts.run(claimScript, { runId, taskId, host, worker });
  }

  /** Everything a worker needs to run a claimed task (`task` is the record the claim returned). */
  async context(runId: string, taskId: string, task?: Record<string, string>): Promise<TaskContext> {
    const record = task ?? (await this.redis.hgetall(this.keys.task(runId, taskId)));
    if (!record.id) throw new FleetError('internal', `task ${runId}/${taskId} not found in Redis`);
    const parsed = JSON.parse(record.spec ?? '{}') as TaskSpec;
    // a plan fragment adds its sinks to the deps of the expanding task's dependents
    const spec = record.deps ? { ...parsed, deps: JSON.parse(record.deps) as string[] } : parsed;
    const run = { ...(await this.runs.fixed(runId)) };
    if (isModelBacked(spec.agent)) Object.assign(run, await this.runs.spending(runId));
    const depResults = run.repo && spec.inherit !== false ? await this.runs.dependencyResults(runId, spec.deps) : [];
    return { runId, taskId, spec, run, depResults, attempts: Number(record.attempts ?? 0) };
  }

  /**
   * The fence before side effects outside Redis (pushing the branch): does this attempt still
   * own the task? A worker cut off from Redis may have been replaced by another attempt.
   */
  async owns(runId: string, taskId: string, owner: AttemptOwner): Promise<boolean> {
    const [status, worker, attempts] = await this.redis.hmget(this.keys.task(runId, taskId), 'status', 'worker', 'attempts');
    return status === 'running' && worker === owner.worker && attempts === String(owner.attempt);
  }

  /**
   * Ends the task (succeeded or failed for good), advances the DAG and adds the jobs of what
   * became ready: awaited before BullMQ hands this worker its next job, so a dependent on the
   * critical path competes by its priority at once. (A crash in between: the reconciler adds them.)
   */
  async complete(args: CompleteArgs): Promise<CompleteOutcome> {
    const outcome = await this.scripts.run(completeScript, args);
    await this.queues.add(outcome.ready);
    // fail-fast cancelled the rest of the run: running agents must hear it
    if (outcome.failFast) await this.events.publish({ type: 'cancel', runId: args.runId, tasks: [] });
    return outcome;
  }

  /** The attempt failed and BullMQ tries again; false when the attempt no longer owns the task. */
  retrying(args: RetryingArgs): Promise<boolean> {
    return this.scripts.run(retryingScript, args);
  }

  /** An attempt that ended without deciding its task (cancelled, or lost to another attempt). */
  recordEnded(args: RecordAttemptArgs): Promise<boolean> {
    return this.scripts.run(recordAttemptScript, args);
  }
}

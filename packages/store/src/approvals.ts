import type { Redis } from 'ioredis';
import { formatDuration, InputError, type TaskSpec } from '@agentfleet/core';
import type { FleetEvents } from './fleet-events.js';
import type { Keys } from './keys.js';
import { requireRun } from './run-writer.js';
import { decideScript, type DecideArgs, type DecisionInput, type ScriptRunner } from './scripts/index.js';
import type { TaskQueues } from './task-queues.js';
import type { WaitingTask } from './task-waits.js';
import type { CompleteOutcome } from './types.js';

export type Decided = Pick<CompleteOutcome, 'ready' | 'runFinished' | 'failFast'>;

/**
 * Decisions on approval gates: one call each for `fleet approve`, `fleet reject` (and the
 * console's buttons), and the timeout the reconciler hands over when a gate's wait is due.
 * A decision advances the DAG like a task's end: what became ready is enqueued here.
 */
export class Approvals {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptRunner,
    private readonly queues: TaskQueues,
    private readonly events: FleetEvents,
  ) {}

  /** The gate succeeds and releases its dependents. InputError when it does not await approval. */
  approve(runId: string, taskId: string, who: DecisionInput): Promise<Decided> {
    return this.byPerson({ runId, taskId, decision: 'approve', ...who });
  }

  /** The gate fails with kind `rejected`; its dependents are skipped as for any failure. */
  reject(runId: string, taskId: string, who: DecisionInput): Promise<Decided> {
    return this.byPerson({ runId, taskId, decision: 'reject', ...who });
  }

  /** A due approval wait: decided as its `on_timeout` says; null when a person decided first. */
  async expire(wait: Pick<WaitingTask, 'runId' | 'taskId'>): Promise<Decided | null> {
    const spec = JSON.parse((await this.redis.hget(this.keys.task(wait.runId, wait.taskId), 'spec')) ?? '{}') as Partial<TaskSpec>;
    const approval = spec.approval;
    const note = approval?.timeoutMs !== undefined ? `nobody decided within ${formatDuration(approval.timeoutMs)}` : undefined;
    const res = await this.decide({ runId: wait.runId, taskId: wait.taskId, decision: approval?.onTimeout === 'approve' ? 'approve' : 'reject', by: 'timeout', note, timedOut: true });
    return res.decided ? res : null;
  }

  private async byPerson(args: DecideArgs): Promise<Decided> {
    await requireRun(this.redis, this.keys, args.runId);
    const res = await this.decide(args);
    if (res.decided) return res;
    if (!res.status) throw new InputError(`run ${args.runId} has no task '${args.taskId}'`);
    throw new InputError(`task '${args.taskId}' of run ${args.runId} is ${res.status}, not awaiting approval`);
  }

  private async decide(args: DecideArgs) {
    const res = await this.scripts.run(decideScript, args);
    if (!res.decided) return res;
    await this.queues.add(res.ready);
    if (res.failFast) await this.events.publish({ type: 'cancel', runId: args.runId, tasks: [] });
    return res;
  }
}

import type { Redis } from 'ioredis';
import type { DependencyOutcome } from '@agentfleet/core';
import type { Keys } from './keys.js';
import { skipScript, type ScriptRunner, type SkipArgs, type SkipOutcome } from './scripts/index.js';
import type { TaskQueues } from './task-queues.js';
import type { ReviewRecord } from './types.js';

/**
 * Conditional tasks on the worker's side: what a `when:` reads of the dependencies, and the
 * end of a task whose condition is false (skipped without running; the DAG goes on).
 */
export class TaskFlow {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptRunner,
    private readonly queues: TaskQueues,
  ) {}

  /** Status, last review verdict and outputs of each dependency, by id. */
  async outcomes(runId: string, deps: readonly string[]): Promise<Record<string, DependencyOutcome>> {
    const pipe = this.redis.pipeline();
    for (const d of deps) pipe.hmget(this.keys.task(runId, d), 'status', 'review', 'outputs');
    const rows = ((await pipe.exec()) ?? []).map((r) => r[1] as (string | null)[]);
    const out: Record<string, DependencyOutcome> = {};
    deps.forEach((d, i) => {
      const [status, review, outputs] = rows[i] ?? [];
      const verdicts = parsed<ReviewRecord[]>(review, []);
      out[d] = { status: status ?? 'unknown', review: verdicts.at(-1)?.verdict ?? null, outputs: parsed<Record<string, unknown>>(outputs, {}) };
    });
    return out;
  }

  /** The claimed task's condition is false: it ends skipped, and what became ready is enqueued. */
  async skip(args: SkipArgs): Promise<SkipOutcome> {
    const outcome = await this.scripts.run(skipScript, args);
    await this.queues.add(outcome.ready);
    return outcome;
  }
}

function parsed<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

import type { Redis } from 'ioredis';
import { MERGE_QUEUE_TASK_ID } from '@agentfleet/core';
import type { Keys } from './keys.js';
import type { IntegrationResult } from './types.js';

/** The merge queue of a run (`integrate`): which results it merges, and what it did with each. */
export class RunIntegration {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * Every task that succeeded with a result commit, in the run's topological order (the merge
   * queue itself left out), with the titles the resolver is told; null without a merge queue.
   */
  async inputs(runId: string): Promise<{ branch: string; results: { taskId: string; commit: string; title: string }[] } | null> {
    const branch = await this.redis.hget(this.keys.run(runId), 'integrate');
    if (!branch) return null;
    const ids = (await this.redis.lrange(this.keys.runTasks(runId), 0, -1)).filter((id) => id !== MERGE_QUEUE_TASK_ID);
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hmget(this.keys.task(runId, id), 'status', 'commit', 'title');
    const rows = ((await pipe.exec()) ?? []).map((r) => r[1] as (string | null)[]);
    const results: { taskId: string; commit: string; title: string }[] = [];
    ids.forEach((id, i) => {
      const [status, commit, title] = rows[i] ?? [];
      if (status === 'succeeded' && commit) results.push({ taskId: id, commit, title: title ?? id });
    });
    return { branch, results };
  }

  async record(runId: string, result: IntegrationResult): Promise<void> {
    await this.redis.hset(this.keys.run(runId), 'integration', JSON.stringify(result));
  }
}

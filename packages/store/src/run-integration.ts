import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import type { IntegrationResult } from './types.js';

/** `--integrate BRANCH`: which results the run's end merges, and what the merge did. */
export class RunIntegration {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** The branch and the leaf tasks that succeeded, in topological order; null without --integrate. */
  async inputs(runId: string): Promise<{ branch: string; results: { taskId: string; commit: string }[] } | null> {
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

  /** True while a finished run still waits for its merge to be recorded. */
  async pending(runId: string): Promise<boolean> {
    const [branch, done] = await this.redis.hmget(this.keys.run(runId), 'integrate', 'integration');
    return Boolean(branch) && !done;
  }

  async record(runId: string, result: IntegrationResult): Promise<void> {
    await this.redis.hset(this.keys.run(runId), 'integration', JSON.stringify(result));
  }
}

import type { Redis } from 'ioredis';
import { FleetError, type Plan } from '@agentfleet/core';
import type { Keys } from './keys.js';
import type { RunConfig, RunContext } from './types.js';

const CACHED_RUNS = 100;

/**
 * Run fields that never change after submit, cached per process: every task of a run reads
 * them, and a worker runs many tasks of few runs.
 */
export class RunContexts {
  private readonly fixedFields = new Map<string, RunContext>();
  private readonly topo = new Map<string, Map<string, number>>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async fixed(runId: string): Promise<RunContext> {
    let run = this.fixedFields.get(runId);
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
        budgetUsd: null,
        paused: false,
      };
      remember(this.fixedFields, runId, run);
    }
    return run;
  }

  /** What the run has spent, its budget now, and whether it is paused at it (change as tasks end: never cached). */
  async spending(runId: string): Promise<Pick<RunContext, 'costUsd' | 'budgetUsd' | 'paused'>> {
    const [cost, budget, status] = await this.redis.hmget(this.keys.run(runId), 'costUsd', 'budgetUsd', 'status');
    return { costUsd: Number(cost ?? 0), budgetUsd: budget ? Number(budget) : null, paused: status === 'paused' };
  }

  /**
   * Result commits of a task's direct dependencies, in the run's topological order:
   * transitive results are merged into each dependency's commit already.
   */
  async dependencyResults(runId: string, deps: readonly string[]): Promise<{ taskId: string; commit: string }[]> {
    if (deps.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const d of deps) pipe.hget(this.keys.task(runId, d), 'commit');
    const commits = (await pipe.exec()) ?? [];
    const order = await this.topoIndex(runId);
    return deps
      .map((taskId, i) => ({ taskId, commit: (commits[i]?.[1] as string | null) ?? '' }))
      .filter((p) => p.commit)
      .sort((a, b) => (order.get(a.taskId) ?? 0) - (order.get(b.taskId) ?? 0));
  }

  private async topoIndex(runId: string): Promise<Map<string, number>> {
    let m = this.topo.get(runId);
    if (!m) {
      const ids = await this.redis.lrange(this.keys.runTasks(runId), 0, -1);
      m = new Map(ids.map((id, i) => [id, i]));
      remember(this.topo, runId, m);
    }
    return m;
  }
}

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CACHED_RUNS) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
}

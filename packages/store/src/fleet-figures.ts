import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EvalFigures } from './evals/eval-types.js';
import type { HostRegistry } from './host-registry.js';
import type { Keys } from './keys.js';
import type { ProviderPause, RedisProviderPauses } from './provider-pauses.js';
import type { PermitStatus, RedisProviderPermits } from './provider-permits.js';
import type { RunReader } from './run-reader.js';
import type { TaskWaits, WaitingTask } from './task-waits.js';
import { parseStats } from './stats.js';
import { DEFAULT_QUEUE, labelsOfQueue, queueNameFor, type TaskQueues } from './task-queues.js';
import type { FleetStats, HostStatus, QueueCount, RunWithCounts } from './types.js';

/**
 * What the monitor and `fleet top` read about the whole fleet: hosts, runs, durable totals,
 * queue depths, Redis itself (the monitor's MonitorSource and top's TopSource).
 */
export class FleetFigures {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly queues: TaskQueues,
    private readonly hosts: HostRegistry,
    private readonly runs: RunReader,
    private readonly providers: { pauses: RedisProviderPauses; permits: RedisProviderPermits },
    private readonly evals: { figures(): Promise<EvalFigures> },
    private readonly waits?: TaskWaits,
  ) {}

  /** Evals by status, the trials of running ones, durable trial totals and spend. */
  evalFigures(): Promise<EvalFigures> {
    return this.evals.figures();
  }

  /** Tasks that wait without a slot, fleet-wide (gates awaiting approval, parked tasks). */
  listWaits(): Promise<WaitingTask[]> {
    return this.waits ? this.waits.list() : Promise.resolve([]);
  }

  /** Providers paused fleet-wide and endpoints with permits (maxConcurrent): what waits on which provider. */
  async providerStates(): Promise<{ pauses: ProviderPause[]; permits: PermitStatus[] }> {
    const [pauses, permits] = await Promise.all([this.providers.pauses.list(), this.providers.permits.list()]);
    return { pauses, permits };
  }

  listHosts(): Promise<HostStatus[]> {
    return this.hosts.list();
  }

  listRuns(opts?: { active?: boolean; limit?: number }): Promise<RunWithCounts[]> {
    return this.runs.list(opts);
  }

  recentFailures(limit = 10) {
    return this.runs.recentFailures(limit);
  }

  async readStats(): Promise<FleetStats> {
    return parseStats(await this.redis.hgetall(this.keys.stats()));
  }

  /** Every task queue runs have used (what workers serve and bull-board shows). */
  async knownQueues(): Promise<string[]> {
    const names = await this.redis.hkeys(this.keys.queues());
    return names.length ? names.sort() : [DEFAULT_QUEUE];
  }

  async taskQueues(): Promise<Queue[]> {
    return (await this.knownQueues()).map((n) => this.queues.get(n) as unknown as Queue);
  }

  /**
   * Jobs by queue and state. A queue is named by its label set (`tasks`, `tasks.gpu`): the
   * queues of different protocols add up, so dashboards do not change with a release.
   */
  async queueCounts(): Promise<QueueCount[]> {
    const totals = new Map<string, QueueCount>();
    for (const name of await this.knownQueues()) {
      const counts = await this.queues.get(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children');
      const queue = queueNameFor(labelsOfQueue(name), 1);
      for (const [state, count] of Object.entries(counts)) {
        const key = `${queue}|${state}`;
        const row = totals.get(key) ?? { queue, state: state as QueueCount['state'], count: 0 };
        row.count += count;
        totals.set(key, row);
      }
    }
    return [...totals.values()];
  }

  async redisInfo(): Promise<{ usedMemory: number; maxMemory: number; commandsProcessed: number; cpuSeconds: number }> {
    const info = await this.redis.info();
    const num = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return { usedMemory: num('used_memory'), maxMemory: num('maxmemory'), commandsProcessed: num('total_commands_processed'), cpuSeconds: num('used_cpu_user') + num('used_cpu_sys') };
  }
}

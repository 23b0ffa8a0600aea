// What the monitor reads, as an interface: the store's FleetStore satisfies it as it is, and
// tests can build one from plain objects.
import type { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type {
  EvalsSnapshot,
  FleetStatsSnapshot,
  HistogramBounds,
  HostSnapshot,
  MetricsSnapshot,
  ProviderStatesSnapshot,
  QueueCountSnapshot,
  RedisMemory,
  RunSnapshot,
} from '@agentfleet/telemetry';

/** A BullMQ Queue (typed through bull-board so the monitor needs no direct bullmq import). */
export type BullQueue = ConstructorParameters<typeof BullMQAdapter>[0];

export interface MonitorSource {
  listHosts(): Promise<readonly HostSnapshot[]>;
  readStats(): Promise<FleetStatsSnapshot>;
  queueCounts(): Promise<readonly QueueCountSnapshot[]>;
  listRuns(opts?: { active?: boolean }): Promise<readonly RunSnapshot[]>;
  /** every task queue, for bull-board */
  taskQueues(): Promise<readonly BullQueue[]>;
  redisInfo(): Promise<RedisMemory>;
  /** paused providers and permits of capped ones (the store has them) */
  providerStates?(): Promise<ProviderStatesSnapshot>;
  /** eval progress (the store has it) */
  evalFigures?(): Promise<EvalsSnapshot>;
}

export interface SnapshotOptions {
  histogramBounds: HistogramBounds;
  runBudgetUsd?: number | null;
}

/** Reads everything one scrape renders, in parallel. */
export async function readSnapshot(source: MonitorSource, opts: SnapshotOptions): Promise<MetricsSnapshot> {
  const [hosts, stats, queues, runs, redis, providers, evals] = await Promise.all([
    source.listHosts(),
    source.readStats(),
    source.queueCounts(),
    source.listRuns(),
    source.redisInfo(),
    source.providerStates?.(),
    source.evalFigures?.(),
  ]);
  return { hosts, stats, queues, runs, redis, histogramBounds: opts.histogramBounds, runBudgetUsd: opts.runBudgetUsd ?? null, providers, evals };
}

/** Rejects when `promise` has not settled within `ms` (Redis reconnecting must not hang a scrape). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

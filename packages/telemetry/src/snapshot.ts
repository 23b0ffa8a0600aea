// The fleet figures the monitor and `fleet top` read. Structural mirrors of the store's types
// (packages/store/src/types.ts: HostStatus, WorkerStatus, FleetStats, QueueCount, RunWithCounts):
// telemetry may not import the store, and these keep only the fields the views use, so the
// store's values are assignable to them as they are (a test checks that).

export interface WorkerSnapshot {
  slot: number;
  pid: number | null;
  state: string;
  runId: string | null;
  taskId: string | null;
  /** epoch milliseconds */
  taskStartedAt: number | null;
  rssBytes: number;
  /** share of one core */
  cpu: number;
  restarts: number;
  lastExit: string | null;
}

export interface HostSnapshot {
  name: string;
  up: boolean;
  slots: { busy: number; idle: number; desired: number };
  /** 0..1 of all cores */
  cpu: number;
  memory: { used: number; total: number };
  load1: number;
  diskFree: number;
  heartbeatAgeMs: number | null;
  cores?: number;
  draining?: boolean;
  workers?: readonly WorkerSnapshot[];
}

export interface HistogramTotals {
  /** per bucket, not cumulative, in the order of the bounds; optionally +Inf last */
  buckets: readonly number[];
  sum: number;
  count: number;
}

/** Durable, monotonic totals kept in Redis (they survive monitor restarts). */
export interface FleetStatsSnapshot {
  tasks: readonly { status: string; agent: string; count: number }[];
  retries: readonly { agent: string; count: number }[];
  tokens: readonly { model: string; kind: string; count: number }[];
  costUsd: readonly { model: string; usd: number }[];
  duration: readonly ({ agent: string } & HistogramTotals)[];
  wait: HistogramTotals;
  runs: readonly { status: string; count: number }[];
  workerRestarts: readonly { host: string; count: number }[];
  /** requests that waited for a provider permit (maxConcurrent), and the seconds they waited */
  permitWaits?: readonly { provider: string; count: number; seconds: number }[];
}

/** Providers paused fleet-wide and capped endpoints with their permits (FleetFigures.providerStates). */
export interface ProviderStatesSnapshot {
  pauses: readonly { provider: string; until: number; reason: string }[];
  permits: readonly { provider: string; limit: number; inUse: number; waiting: number }[];
}

/** Eval progress (FleetFigures.evalFigures): evals by status, open trials, durable trial totals and spend. */
export interface EvalsSnapshot {
  evals: Readonly<Record<string, number>>;
  trials: Readonly<Record<string, number>>;
  totals: readonly { agent: string; tier: string; provider: string; status: string; count: number }[];
  cost: readonly { agent: string; tier: string; provider: string; usd: number }[];
}

export interface QueueCountSnapshot {
  queue: string;
  state: string;
  count: number;
}

export interface RunSnapshot {
  id: string;
  name: string;
  status: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  counts: Readonly<Record<string, number>>;
  total: number;
  /** spent so far, when the store reports it: feeds the over-budget gauge */
  costUsd?: number;
}

export interface RedisMemory {
  usedMemory: number;
  /** 0 when Redis has no maxmemory */
  maxMemory: number;
}

export interface TaskFailureSnapshot {
  runId: string;
  taskId: string;
  kind: string;
  message: string;
  /** ISO 8601 string or epoch milliseconds */
  finishedAt: string | number | null;
}

/** A task that waits without a slot (the store's WaitingTask): what `fleet top` lists under WAITING. */
export interface WaitSnapshot {
  runId: string;
  taskId: string;
  /** parked | awaiting_approval */
  status: string;
  kind: string;
  reason: string;
  /** epoch ms it is due by itself; null: only a command wakes it */
  until: number | null;
  since: number | null;
}

export interface HistogramBounds {
  /** upper bounds (seconds) of the task duration buckets, ascending, without +Inf */
  durationSeconds: readonly number[];
  /** upper bounds (seconds) of the ready -> start wait buckets */
  waitSeconds: readonly number[];
}

/** Everything one /metrics scrape renders. */
export interface MetricsSnapshot {
  hosts: readonly HostSnapshot[];
  stats: FleetStatsSnapshot;
  queues: readonly QueueCountSnapshot[];
  runs: readonly RunSnapshot[];
  redis: RedisMemory;
  histogramBounds: HistogramBounds;
  /** per-run budget in USD (fleet.yaml budgets.perRunUsd), when configured */
  runBudgetUsd?: number | null;
  providers?: ProviderStatesSnapshot;
  evals?: EvalsSnapshot;
}

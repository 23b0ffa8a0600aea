import type { AgentKind, ErrorKind, Schedule } from '@agentfleet/core';

export type TaskStatus = 'blocked' | 'ready' | 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export const TASK_STATUSES: readonly TaskStatus[] = ['blocked', 'ready', 'queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'];
export const TERMINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'skipped', 'cancelled'];
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

export interface Usage {
  input: number;
  cachedInput: number;
  output: number;
}

export interface TaskError {
  kind: ErrorKind | string;
  message: string;
}

/** The `run` object of `fleet report --format json` and `fleet status --json` (contract). */
export interface RunSummary {
  id: string;
  name: string;
  status: RunStatus;
  schedule: Schedule;
  baseCommit: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunWithCounts extends RunSummary {
  counts: Record<TaskStatus, number>;
  total: number;
  /** dollars spent by the run's model-backed tasks so far */
  costUsd: number;
}

/** One task of `fleet report --format json` (contract). */
export interface TaskReport {
  id: string;
  status: TaskStatus;
  host: string | null;
  worker: string | null;
  attempts: number;
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  waitMs: number | null;
  error: TaskError | null;
  branch: string | null;
  commit: string | null;
  diff: { files: number; insertions: number; deletions: number } | null;
  provider: string | null;
  model: string | null;
  usage: Usage;
  costUsd: number;
  // fields beyond the contract (allowed: "add fields freely")
  title: string;
  agent: AgentKind;
  deps: string[];
  skippedBecause: string | null;
  outputTail: string | null;
  review: ReviewRecord[] | null;
}

export interface ReviewRecord {
  round: number;
  verdict: 'approve' | 'revise';
  issues: { severity: string; file?: string; note: string }[];
}

export interface IntegrationResult {
  branch: string;
  merged: string[];
  conflicts: { taskId: string; paths: string[] }[];
  commit?: string;
  error?: string;
}

export interface RunReport {
  run: RunSummary;
  /** `--integrate BRANCH`: what was merged into the branch at the end of the run. */
  integration?: IntegrationResult;
  tasks: TaskReport[];
  totals: { tasks: number; succeeded: number; failed: number; skipped: number; cancelled: number; durationMs: number; costUsd: number };
}

/** One worker slot on a host, as its daemon last reported it. */
export interface WorkerStatus {
  slot: number;
  pid: number | null;
  state: 'idle' | 'busy' | 'starting' | 'draining' | 'backoff';
  runId: string | null;
  taskId: string | null;
  taskStartedAt: number | null;
  rssBytes: number;
  cpu: number;
  restarts: number;
  lastExit: string | null;
}

/** `fleet hosts --json` element (contract), plus details. */
export interface HostStatus {
  name: string;
  up: boolean;
  slots: { busy: number; idle: number; desired: number };
  cpu: number;
  memory: { used: number; total: number };
  load1: number;
  diskFree: number;
  version: string;
  heartbeatAgeMs: number | null;
  labels: string[];
  // details
  draining: boolean;
  acceptingWork: boolean;
  notAcceptingReason: string | null;
  workers: WorkerStatus[];
  restarts: number;
  cores: number;
}

/** Upper bounds (seconds) of the duration histogram buckets kept durably in Redis. */
export const DURATION_BUCKETS_SECONDS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];
/** Upper bounds (seconds) of the wait (ready -> start) histogram buckets. */
export const WAIT_BUCKETS_SECONDS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900];

export interface HistogramTotals {
  /** counts per bucket (same order as the bounds; not cumulative), plus +Inf last */
  buckets: number[];
  sum: number;
  count: number;
}

/** Durable fleet-wide totals (monotonic; survive monitor restarts). */
export interface FleetStats {
  tasks: { status: TaskStatus; agent: string; count: number }[];
  retries: { agent: string; count: number }[];
  tokens: { model: string; kind: 'input' | 'cachedInput' | 'output'; count: number }[];
  costUsd: { model: string; usd: number }[];
  duration: ({ agent: string } & HistogramTotals)[];
  wait: HistogramTotals;
  runs: { status: RunStatus; count: number }[];
  workerRestarts: { host: string; count: number }[];
}

export interface QueueCount {
  queue: string;
  state: 'waiting' | 'active' | 'delayed' | 'failed' | 'completed' | 'prioritized' | 'waiting-children';
  count: number;
}

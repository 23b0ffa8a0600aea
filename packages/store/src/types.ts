import type { AgentKind, ErrorKind, FleetConfig, ModelSpend, Plan, Schedule, TaskSpec, Usage } from '@agentfleet/core';
import type { TaskFlowFields } from './flow-types.js';
import type { HostSandboxStatus } from './sandbox-types.js';

export type { ApprovalRecord, TaskFlowFields } from './flow-types.js';
export type { HostSandboxStatus } from './sandbox-types.js';

/**
 * blocked -> ready -> queued -> running -> succeeded | failed | skipped | cancelled; a task may
 * also wait, holding no slot and no job: parked (a usage limit, a long provider pause, the run's
 * budget) or awaiting_approval (a gate), until it is due or a command wakes it.
 */
export type TaskStatus = 'blocked' | 'ready' | 'queued' | 'running' | 'parked' | 'awaiting_approval' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export const TASK_STATUSES: readonly TaskStatus[] = ['blocked', 'ready', 'queued', 'running', 'parked', 'awaiting_approval', 'succeeded', 'failed', 'skipped', 'cancelled'];
export const TERMINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'skipped', 'cancelled'];
export const WAITING_STATUSES: readonly TaskStatus[] = ['parked', 'awaiting_approval'];
/** paused: its budget is reached (no new model-backed task starts) until `fleet budget --raise`. */
export type RunStatus = 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';
export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled'];

export type { Usage } from '@agentfleet/core';

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
  /** the run's budget (budgets.perRunUsd at submit, raised by `fleet budget --raise`); null: none */
  budgetUsd: number | null;
}

/** One task of `fleet report --format json` (contract). */
export interface TaskReport extends TaskFlowFields {
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
  /** the agent's final message */
  summary: string | null;
  /** one entry per attempt, oldest first */
  history: AttemptHistoryEntry[];
  /** the commit the result branch starts from (its diff is base..commit) */
  base: string | null;
  /** a waiting task (parked, awaiting approval): what for, until when (epoch ms; null = until woken) */
  wait: { kind: string; reason: string; until: number | null; since: number | null } | null;
}

/** A task as the run's graph shows it (the console's DAG). */
export interface GraphTask {
  id: string;
  title: string;
  agent: string;
  deps: string[];
  estimateMs: number;
  status: TaskStatus;
  /** epoch ms */
  startedAt: number | null;
}

export interface ReviewRecord {
  round: number;
  verdict: 'approve' | 'revise';
  issues: { severity: string; file?: string; note: string }[];
}

export interface IntegrationResult {
  branch: string;
  /** results now in the branch (merged, resolved by the agent, or contained already) */
  merged: string[];
  /** conflicts left unresolved */
  conflicts: { taskId: string; paths: string[] }[];
  commit?: string;
  error?: string;
  /** every result in the order the merge queue took them, with what became of it */
  results?: MergeQueueEntry[];
}

/** One result in the merge queue: merged (noop when the branch held it already), conflict, resolved by the agent, check failed. */
export interface MergeQueueEntry {
  taskId: string;
  commit: string;
  outcome: 'merged' | 'conflict' | 'resolved' | 'check_failed';
  noop?: boolean;
  /** conflict, resolved: the conflicting paths */
  paths?: string[];
  /** check_failed: the command, its exit code and its last output lines (scrubbed) */
  check?: string;
  exitCode?: number;
  outputTail?: string;
  /** resolved or not: what the resolver said, or why its resolution was refused */
  note?: string;
  durationMs: number;
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
  /** The daemon's pid (from its heartbeat; null when down). */
  pid: number | null;
  /** The protocol the daemon speaks (null when down, or a release that does not say). */
  protocol: number | null;
  /** Runs in Redis need a newer protocol than the daemon speaks: "runs need protocol N; this daemon speaks M: ..." */
  protocolNotice: string | null;
  /** How the host confines its tasks (null when down, or a release before sandboxes). */
  sandbox: HostSandboxStatus | null;
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
  /** requests that waited for a provider permit (maxConcurrent), and the seconds they waited */
  permitWaits: { provider: string; count: number; seconds: number }[];
}

export interface QueueCount {
  queue: string;
  state: 'waiting' | 'active' | 'delayed' | 'failed' | 'completed' | 'prioritized' | 'waiting-children';
  count: number;
}

// ---------------------------------------------------------------- runs and attempts

/** What a run remembers of the config: never secrets (they stay in host environments). */
export type RunConfig = Pick<FleetConfig, 'providers' | 'pricing' | 'budgets' | 'git'>;

export interface SubmitOptions {
  runId: string;
  schedule: Schedule;
  failFast: boolean;
  baseCommit: string | null;
  config: RunConfig;
  integrate?: string;
}

/** A ready task as the DAG scripts describe it: enough to add its job. */
export interface ReadyTask {
  runId: string;
  taskId: string;
  queue: string;
  attempts: number;
  backoffMs: number;
  /** BullMQ priority, 1 = first (critical path first); 0 = none */
  priority: number;
  /** how often the task was queued again (woken, retried): part of its job id */
  jobSeq: number;
}

/** The data of a task's BullMQ job (id `<run>.<task>`). */
export interface TaskJobData {
  runId: string;
  taskId: string;
}

/** The run as a worker needs it: fields fixed at submit, plus what the run has spent. */
export interface RunContext {
  name: string;
  repo: Plan['repo'] | null;
  baseCommit: string | null;
  clean: Plan['clean'];
  config: RunConfig;
  /** dollars spent so far (read for model-backed tasks only; 0 otherwise) */
  costUsd: number;
  /** the run's budget now (budgets.perRunUsd at submit, raised by `fleet budget`); null: none (model-backed tasks only) */
  budgetUsd: number | null;
  /** the run is paused at its budget (model-backed tasks only) */
  paused: boolean;
}

/** Everything a worker needs to run a claimed task. */
export interface TaskContext {
  runId: string;
  taskId: string;
  spec: TaskSpec;
  run: RunContext;
  /** Result commits the task starts from, in topological order (empty with inherit: false or no repository). */
  depResults: { taskId: string; commit: string }[];
  attempts: number;
}

/** Which attempt speaks: the worker that claimed the task and the attempt number it got. */
export interface AttemptOwner {
  host: string;
  worker: string;
  attempt: number;
  /** epoch ms (Redis time) the claim recorded */
  startedAt: number;
}

/** What one attempt spent on models: it counts whatever the attempt's end. */
export type AttemptSpend = ModelSpend;

/** What an attempt found out about its task (recorded on the task when it ends it). */
export interface TaskResult {
  /** the commit the attempt started from (the run's base with its dependencies' results merged) */
  base?: string | null;
  branch?: string | null;
  commit?: string | null;
  diff?: { files: number; insertions: number; deletions: number } | null;
  outputTail?: string | null;
  summary?: string | null;
  review?: ReviewRecord[] | null;
  durationMs?: number;
  /** what the task wrote to $AGENTFLEET_OUTPUTS */
  outputs?: Record<string, unknown> | null;
}

/** How an attempt ended, as its history entry says. */
export type AttemptStatus = 'succeeded' | 'failed' | 'retrying' | 'cancelled' | 'lost' | 'parked' | 'awaiting_approval';

/** One element of a task's `history` in `fleet report --format json` (contract). */
export interface AttemptHistoryEntry {
  attempt: number;
  host: string;
  worker: string;
  startedAt: string;
  finishedAt: string;
  status: AttemptStatus;
  error: TaskError | null;
  usage: Usage;
  costUsd: number;
  provider: string | null;
  model: string | null;
  /** what the attempt's processes ran in: bwrap or none (null before it got that far, and in releases before sandboxes) */
  sandbox: string | null;
  /** their network in the sandbox */
  network?: 'full' | 'none' | null;
  /** names of the host's variables they received (its `env:` list; values never recorded) */
  env?: string[];
  /** names the task asked for that its host does not forward */
  envMissing?: string[];
  rounds: { round: number; check: string; exitCode: number; durationMs: number }[];
  setup: 'ran' | 'reused' | null;
  /** how long the setup took (its command when it ran; the check that it was still good when reused) */
  setupMs?: number | null;
  /** parked attempts: what the task waited for */
  wait?: { kind: string; reason: string; until?: number };
}

export interface CompleteOutcome {
  /** the task was terminal already: a second delivery */
  duplicate: boolean;
  /** the attempt no longer owned the task: nothing was recorded */
  stale: boolean;
  /** tasks that became ready; their jobs are added */
  ready: ReadyTask[];
  runFinished: RunStatus | null;
  failFast: boolean;
}

/** Pub/sub notifications for daemons and workers. */
export type FleetEvent =
  | { type: 'cancel'; runId: string; tasks: string[] }
  | { type: 'scale'; host: string; slots: number }
  | { type: 'drain'; host: string; drain: boolean }
  | { type: 'queues' };

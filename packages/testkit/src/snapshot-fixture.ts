// A fleet snapshot (two hosts, task and token totals, queues, two runs) for the metrics, monitor
// and `fleet top` tests, built from the store's own types and bucket bounds, so a drift between
// the store and the telemetry mirrors fails type-checking here.
import {
  DURATION_BUCKETS_SECONDS,
  WAIT_BUCKETS_SECONDS,
  type FleetStats,
  type HostStatus,
  type QueueCount,
  type RunWithCounts,
  type WorkerStatus,
} from '@agentfleet/store';
import type { MetricsSnapshot } from '@agentfleet/telemetry';

export const NOW = Date.parse('2025-06-01T12:00:00Z');

function worker(slot: number, over: Partial<WorkerStatus> = {}): WorkerStatus {
  return { slot, pid: 1000 + slot, state: 'idle', runId: null, taskId: null, taskStartedAt: null, rssBytes: 80e6, cpu: 0.02, restarts: 0, lastExit: null, ...over };
}

export function hosts(): HostStatus[] {
  return [
    {
      name: 'mugen', up: true, slots: { busy: 2, idle: 1, desired: 3 }, cpu: 0.62, memory: { used: 9e9, total: 16e9 }, load1: 7.5,
      diskFree: 120e9, version: '0.1.0', heartbeatAgeMs: 1500, labels: ['big'], draining: false, acceptingWork: true,
      notAcceptingReason: null, restarts: 1, cores: 16, pid: 4242, protocol: 2, protocolNotice: null, sandbox: { mode: 'bwrap', ok: true, version: 'bubblewrap 0.8.0' },
      workers: [
        worker(0, { state: 'busy', runId: '01JXRUNAAAAAAAAAAAAAAAAAAA', taskId: 'impl', taskStartedAt: NOW - 133_000, cpu: 0.9, rssBytes: 310e6 }),
        worker(1, { state: 'busy', runId: '01JXRUNAAAAAAAAAAAAAAAAAAA', taskId: 'docs-update', taskStartedAt: NOW - 4_000 }),
        worker(2, { restarts: 1, lastExit: 'signal SIGKILL' }),
      ],
    },
    {
      name: 'majin', up: false, slots: { busy: 0, idle: 0, desired: 2 }, cpu: 0, memory: { used: 0, total: 8e9 }, load1: 0,
      diskFree: 40e9, version: '0.1.0', heartbeatAgeMs: 95_000, labels: [], draining: false, acceptingWork: false,
      notAcceptingReason: 'heartbeat expired', restarts: 0, cores: 8, workers: [], pid: null, protocol: null, protocolNotice: null, sandbox: null,
    },
  ];
}

export function stats(scale = 1): FleetStats {
  return {
    tasks: [
      { status: 'succeeded', agent: 'shell', count: 40 * scale },
      { status: 'failed', agent: 'shell', count: 2 * scale },
      { status: 'succeeded', agent: 'codex', count: 12 * scale },
      { status: 'skipped', agent: 'codex', count: 1 * scale },
    ],
    retries: [{ agent: 'shell', count: 3 * scale }],
    tokens: [
      { model: 'openai/gpt-oss-20b', kind: 'input', count: 120_000 * scale },
      { model: 'openai/gpt-oss-20b', kind: 'cachedInput', count: 30_000 * scale },
      { model: 'openai/gpt-oss-20b', kind: 'output', count: 9_000 * scale },
    ],
    costUsd: [{ model: 'openai/gpt-oss-20b', usd: 0.0165 * scale }],
    duration: [
      { agent: 'shell', buckets: [5, 10, 10, 5, 5, 3, 2, 2, 0, 0, 0, 0, 0].map((n) => n * scale), sum: 1900 * scale, count: 42 * scale },
      { agent: 'codex', buckets: [0, 0, 0, 0, 1, 2, 4, 3, 1, 1, 0, 0, 1].map((n) => n * scale), sum: 9000 * scale, count: 13 * scale },
    ],
    wait: { buckets: [10, 20, 10, 5, 5, 3, 1, 1, 0, 0, 0].map((n) => n * scale), sum: 80 * scale, count: 55 * scale },
    runs: [{ status: 'succeeded', count: 3 * scale }, { status: 'failed', count: 1 * scale }],
    workerRestarts: [{ host: 'mugen', count: 1 * scale }],
    permitWaits: [{ provider: 'lan', count: 14 * scale, seconds: 42 * scale }],
  };
}

export function queues(): QueueCount[] {
  return [
    { queue: 'tasks', state: 'waiting', count: 7 },
    { queue: 'tasks', state: 'active', count: 2 },
    { queue: 'tasks', state: 'failed', count: 1 },
    { queue: 'tasks.big', state: 'waiting', count: 0 },
  ];
}

export function runs(): (RunWithCounts & { costUsd: number })[] {
  const counts = { blocked: 10, ready: 0, queued: 7, running: 2, parked: 0, awaiting_approval: 0, succeeded: 20, failed: 1, skipped: 0, cancelled: 0 };
  return [
    {
      id: '01JXRUNAAAAAAAAAAAAAAAAAAA', name: 'issue-715', status: 'running', schedule: 'deps', baseCommit: 'abc123',
      createdAt: new Date(NOW - 600_000).toISOString(), startedAt: new Date(NOW - 590_000).toISOString(), finishedAt: null,
      counts, total: 40, costUsd: 61.5, budgetUsd: 50,
    },
    {
      id: '01JXRUNBBBBBBBBBBBBBBBBBBB', name: 'nightly', status: 'succeeded', schedule: 'levels', baseCommit: 'def456',
      createdAt: new Date(NOW - 9e6).toISOString(), startedAt: new Date(NOW - 8.9e6).toISOString(), finishedAt: new Date(NOW - 1e6).toISOString(),
      counts: { blocked: 0, ready: 0, queued: 0, running: 0, parked: 0, awaiting_approval: 0, succeeded: 12, failed: 0, skipped: 0, cancelled: 0 }, total: 12, costUsd: 3, budgetUsd: null,
    },
  ];
}

export function snapshot(scale = 1): MetricsSnapshot {
  return {
    hosts: hosts(),
    stats: stats(scale),
    queues: queues(),
    runs: runs(),
    redis: { usedMemory: 52e6, maxMemory: 1e9 },
    histogramBounds: { durationSeconds: DURATION_BUCKETS_SECONDS, waitSeconds: WAIT_BUCKETS_SECONDS },
    runBudgetUsd: 50,
    // pauses are read against the clock of the scrape
    providers: { pauses: [{ provider: 'groq', until: Date.now() + 30_000, reason: '429 from groq' }], permits: [{ provider: 'lan', limit: 4, inUse: 4, waiting: 14 }] },
  };
}

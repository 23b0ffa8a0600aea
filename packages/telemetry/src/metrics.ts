// The `agentfleet_*` metric families. A fresh Registry is filled from one snapshot on every
// scrape (collect-on-scrape): nothing accumulates in the monitor process, and counters are the
// durable totals kept in Redis, so a restarted monitor neither loses nor double-counts.
// Labels stay bounded: host, slot, agent, model, kind, status, state, queue, provider, tier; never a run or task id.
import { Counter, Gauge, Registry } from 'prom-client';
import { TotalsHistogram } from './histogram-totals.js';
import { addEvalMetrics } from './eval-metrics.js';
import { addProviderMetrics } from './provider-metrics.js';
import type { MetricsSnapshot, RunSnapshot } from './snapshot.js';

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Run states shown even when no run is in them, so dashboards see a steady set of series. */
export const RUN_STATES = ['queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled'] as const;
const ACTIVE_RUN_STATES = new Set<string>(['queued', 'running', 'paused']);

/** Makes metric families in the registry being filled. */
interface Families {
  gauge: <L extends string>(name: string, help: string, labelNames?: readonly L[]) => Gauge<L>;
  counter: <L extends string>(name: string, help: string, labelNames?: readonly L[]) => Counter<L>;
  registers: Registry[];
}

export function buildMetricsRegistry(snap: MetricsSnapshot): Registry {
  const registers = [new Registry()];
  const [registry] = registers as [Registry];
  const families: Families = {
    gauge: (name, help, labelNames = []) => new Gauge({ name, help, labelNames, registers }),
    counter: (name, help, labelNames = []) => new Counter({ name, help, labelNames, registers }),
    registers,
  };
  addHostMetrics(snap, families);
  addWorkerMetrics(snap, families);
  addTaskMetrics(snap, families);
  addModelMetrics(snap, families);
  addRunMetrics(snap, families);
  addProviderMetrics(snap, registers);
  addEvalMetrics(snap, registers);

  // Redis.
  families.gauge('agentfleet_redis_memory_used_bytes', 'Memory used by Redis (INFO used_memory).').set(snap.redis.usedMemory);
  families.gauge('agentfleet_redis_memory_max_bytes', 'Redis maxmemory; 0 when unlimited.').set(snap.redis.maxMemory);

  return registry;
}

/** Hosts, from their daemons' heartbeats. */
function addHostMetrics(snap: MetricsSnapshot, { gauge }: Families): void {
  const hostUp = gauge('agentfleet_host_up', 'Whether the host daemon heartbeat is fresh (1) or expired (0).', ['host']);
  const hostCpu = gauge('agentfleet_host_cpu_ratio', 'Busy share of all CPU cores on the host, 0..1.', ['host']);
  const hostCores = gauge('agentfleet_host_cores', 'Online CPU cores of the host.', ['host']);
  const memUsed = gauge('agentfleet_host_memory_used_bytes', 'Memory in use on the host (MemTotal - MemAvailable).', ['host']);
  const memTotal = gauge('agentfleet_host_memory_total_bytes', 'Total memory of the host.', ['host']);
  const load1 = gauge('agentfleet_host_load1', 'One-minute load average of the host.', ['host']);
  const diskFree = gauge('agentfleet_host_disk_free_bytes', 'Free bytes on the filesystem of the host workspace.', ['host']);
  const hbAge = gauge('agentfleet_host_heartbeat_age_seconds', 'Age of the last heartbeat of the host daemon.', ['host']);
  const draining = gauge('agentfleet_host_draining', 'Whether the host is draining (1): running tasks finish, no new ones start.', ['host']);
  for (const h of snap.hosts) {
    const host = { host: h.name };
    hostUp.set(host, h.up ? 1 : 0);
    hostCpu.set(host, h.cpu);
    if (h.cores !== undefined) hostCores.set(host, h.cores);
    memUsed.set(host, h.memory.used);
    memTotal.set(host, h.memory.total);
    load1.set(host, h.load1);
    diskFree.set(host, h.diskFree);
    if (h.heartbeatAgeMs !== null) hbAge.set(host, h.heartbeatAgeMs / 1000);
    if (h.draining !== undefined) draining.set(host, h.draining ? 1 : 0);
  }
}

/** Worker slots and processes, and BullMQ jobs by queue. */
function addWorkerMetrics(snap: MetricsSnapshot, { gauge, counter }: Families): void {
  const busy = gauge('agentfleet_worker_slots_busy', 'Worker slots running a task.', ['host']);
  const idle = gauge('agentfleet_worker_slots_idle', 'Worker slots waiting for a task.', ['host']);
  const desired = gauge('agentfleet_worker_slots_desired', 'Worker slots the host should run (fleet scale).', ['host']);
  const rss = gauge('agentfleet_worker_rss_bytes', 'Resident memory of a worker process.', ['host', 'slot']);
  const wcpu = gauge('agentfleet_worker_cpu_ratio', 'CPU of a worker process as a share of one core.', ['host', 'slot']);
  for (const h of snap.hosts) {
    busy.set({ host: h.name }, h.slots.busy);
    idle.set({ host: h.name }, h.slots.idle);
    desired.set({ host: h.name }, h.slots.desired);
    if (!h.up) continue; // an expired heartbeat's processes are not known to exist
    for (const w of h.workers ?? []) {
      if (w.pid === null) continue;
      rss.set({ host: h.name, slot: String(w.slot) }, w.rssBytes);
      wcpu.set({ host: h.name, slot: String(w.slot) }, w.cpu);
    }
  }
  const restarts = counter('agentfleet_worker_restarts_total', 'Worker processes restarted by their host daemon.', ['host']);
  for (const r of snap.stats.workerRestarts) restarts.inc({ host: r.host }, r.count);

  // Queues.
  const jobs = gauge('agentfleet_queue_jobs', 'BullMQ jobs by queue and state.', ['queue', 'state']);
  for (const q of snap.queues) jobs.set({ queue: q.queue, state: q.state }, q.count);
}

/** Tasks (durable totals) and their run and wait times. */
function addTaskMetrics(snap: MetricsSnapshot, { counter, registers }: Families): void {
  const tasks = counter('agentfleet_tasks_total', 'Tasks that reached a final status, by agent.', ['status', 'agent']);
  for (const t of snap.stats.tasks) tasks.inc({ status: t.status, agent: t.agent }, t.count);
  const retries = counter('agentfleet_task_retries_total', 'Task attempts retried after a failure, by agent.', ['agent']);
  for (const r of snap.stats.retries) retries.inc({ agent: r.agent }, r.count);
  const duration = new TotalsHistogram({
    name: 'agentfleet_task_duration_seconds',
    help: 'Task run time from start to finish, by agent.',
    labelNames: ['agent'],
    bounds: snap.histogramBounds.durationSeconds,
    registers,
  });
  duration.set(snap.stats.duration.map((d) => ({ labels: { agent: d.agent }, buckets: d.buckets, sum: d.sum, count: d.count })));
  const wait = new TotalsHistogram({
    name: 'agentfleet_task_wait_seconds',
    help: 'Time from a task becoming ready to its start on a worker.',
    labelNames: [],
    bounds: snap.histogramBounds.waitSeconds,
    registers,
  });
  wait.set([{ labels: {}, ...snap.stats.wait }]);
}

/** Model tokens and spend. */
function addModelMetrics(snap: MetricsSnapshot, { counter }: Families): void {
  const tokens = counter('agentfleet_tokens_total', 'Model tokens used, by model and kind (input, cachedInput, output).', ['model', 'kind']);
  for (const t of snap.stats.tokens) tokens.inc({ model: t.model, kind: t.kind }, t.count);
  const cost = counter('agentfleet_cost_usd_total', 'Model spend in US dollars, by model.', ['model']);
  for (const c of snap.stats.costUsd) cost.inc({ model: c.model }, c.usd);
}

/** Runs by state, their tasks, and budgets. */
function addRunMetrics(snap: MetricsSnapshot, { gauge, counter }: Families): void {
  const runs = gauge('agentfleet_runs', 'Runs kept in Redis, by state.', ['state']);
  const byState = new Map<string, number>(RUN_STATES.map((s) => [s, 0]));
  for (const r of snap.runs) byState.set(r.status, (byState.get(r.status) ?? 0) + 1);
  for (const [state, n] of byState) runs.set({ state }, n);
  const finished = counter('agentfleet_runs_finished_total', 'Runs that reached a final status.', ['status']);
  for (const r of snap.stats.runs) finished.inc({ status: r.status }, r.count);
  const activeTasks = gauge('agentfleet_active_run_tasks', 'Tasks of the active (queued or running) runs, by status.', ['status']);
  const active = snap.runs.filter((r) => ACTIVE_RUN_STATES.has(r.status));
  const taskCounts = new Map<string, number>();
  for (const r of active) for (const [status, n] of Object.entries(r.counts)) taskCounts.set(status, (taskCounts.get(status) ?? 0) + n);
  for (const [status, n] of taskCounts) activeTasks.set({ status }, n);
  const overBudget = gauge('agentfleet_runs_over_budget', 'Active runs whose spend exceeds the per-run budget.');
  overBudget.set(countOverBudget(active, snap.runBudgetUsd));
  if (snap.runBudgetUsd) gauge('agentfleet_run_budget_usd', 'Configured per-run budget in US dollars.').set(snap.runBudgetUsd);
}

function countOverBudget(runs: readonly RunSnapshot[], budget: number | null | undefined): number {
  if (!budget || budget <= 0) return 0;
  return runs.filter((r) => (r.costUsd ?? 0) > budget).length;
}

/** The exposition text (Prometheus text format 0.0.4) of one snapshot. */
export async function renderMetrics(snap: MetricsSnapshot): Promise<string> {
  return buildMetricsRegistry(snap).metrics();
}

/**
 * Every series name a registry can expose, histograms expanded to `_bucket`, `_sum`, `_count`:
 * what PromQL in dashboards and alert rules may refer to.
 */
export function exportedSeriesNames(registry: Registry): string[] {
  const names: string[] = [];
  for (const m of registry.getMetricsAsArray() as unknown as { name: string; type: string }[]) {
    if (m.type === 'histogram') names.push(`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`);
    else names.push(m.name);
  }
  return names.sort();
}

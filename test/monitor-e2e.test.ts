// `fleet monitor` end to end: the built CLI as a child process over a real run (real Redis, a
// real host daemon with 2 worker processes, shell and noop tasks, two of them failing).
// /metrics is scraped during the run and after it, checked against the store and promtool, and
// across a monitor restart (counters come from Redis: never lower, and equal when nothing ran).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeRunId, PROTOCOL_VERSION, type Plan, type TaskSpec } from '@agentfleet/core';
import { queueNameFor, type FleetStore, type RunWithCounts } from '@agentfleet/store';
import {
  counterSeries,
  dropStore,
  ensureBuilt,
  freePort,
  MonitorProcess,
  noConfig,
  parseExposition,
  plan as planOf,
  promtool,
  removeDir,
  requireBinaries,
  runEnded,
  task as spec,
  tempDir,
  TestHostd,
  testStore,
  total,
  waitFor,
  type Sample,
} from '@agentfleet/testkit';

const ok = requireBinaries('redis-server');
const HOST = 'mon-h1';
const BUDGET_USD = 7.5;
/** Label names the monitor may use: all bounded (never a run or task id). */
const BOUNDED_LABELS = new Set(['host', 'slot', 'agent', 'model', 'kind', 'status', 'state', 'queue', 'le', 'tier', 'provider']);

let store: FleetStore;
let daemon: TestHostd;
let home: string;
let env: Record<string, string>;
/** the flag's port (first start) and fleet.yaml's monitor.listen port (restart without --listen) */
let flagPort: number;
let configPort: number;
const monitors: MonitorProcess[] = [];

const sh = (id: string, run: string, deps: string[] = []) => spec(id, deps, { agent: 'shell', run });

/** 20 tasks: 10 shell (one slow, so the run lasts), 6 noop, 2 failing shell, 2 skipped behind a failure. */
function mainPlan(): Plan {
  const tasks: TaskSpec[] = [sh('mon-slow', 'sleep 3')];
  for (let i = 1; i <= 9; i++) tasks.push(sh(`mon-sh-${i}`, 'sleep 0.3', i > 2 ? [`mon-sh-${i - 2}`] : []));
  for (let i = 1; i <= 6; i++) tasks.push(spec(`mon-noop-${i}`, i > 1 ? [`mon-noop-${i - 1}`] : []));
  tasks.push(sh('mon-bad-1', 'echo broken >&2; exit 3', ['mon-sh-1']), sh('mon-bad-2', 'exit 4'));
  tasks.push(spec('mon-after-bad-1', ['mon-bad-1']), spec('mon-after-after', ['mon-after-bad-1']));
  return planOf(tasks, 'monitor-e2e');
}

async function submit(p: Plan): Promise<string> {
  const runId = makeRunId(new Date());
  await store.runs.submit(p, { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
  return runId;
}

async function finished(runId: string): Promise<RunWithCounts> {
  await runEnded(store, runId, 90_000);
  return store.read.get(runId);
}

async function startMonitor(args: string[]): Promise<MonitorProcess> {
  const m = await MonitorProcess.start(args, env);
  monitors.push(m);
  return m;
}

/** Every label of every sample is a bounded one, and no value names a run or a task. */
function expectBoundedLabels(samples: readonly Sample[], runIds: string[], taskIds: string[]): void {
  const ids = new Set(taskIds);
  for (const s of samples) {
    for (const [name, value] of Object.entries(s.labels)) {
      expect(BOUNDED_LABELS.has(name), `label ${name} of ${s.name}`).toBe(true);
      expect(ids.has(value), `${s.name}{${name}="${value}"} names a task`).toBe(false);
      for (const r of runIds) expect(value, `${s.name}{${name}}`).not.toContain(r);
    }
  }
}

function expectPromtoolOk(text: string): void {
  if (!requireBinaries('promtool')) return;
  const r = promtool(['check', 'metrics'], text);
  expect(r.output).toBe('');
  expect(r.code).toBe(0);
}

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  store = testStore('mon-e2e', inject('redisUrl'));
  const prefix = store.prefix;
  home = tempDir('monitor-e2e');
  [flagPort, configPort] = [await freePort(), await freePort()];
  writeFileSync(
    join(home, 'fleet.yaml'),
    `redis: { prefix: ${prefix} }\nbudgets: { perRunUsd: ${BUDGET_USD} }\nmonitor: { listen: "127.0.0.1:${configPort}" }\n`,
  );
  env = { REDIS_URL: inject('redisUrl'), AGENTFLEET_CONFIG: join(home, 'fleet.yaml'), AGENTFLEET_HOME: home, LOG_LEVEL: 'warn' };
  daemon = new TestHostd({ redisUrl: inject('redisUrl'), prefix, host: HOST, slots: 2 });
  await waitFor('the host daemon heartbeat', async () => (await store.hosts.list()).some((h) => h.name === HOST && h.up));
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await Promise.all(monitors.map((m) => m.stop('SIGKILL')));
  if (daemon) await daemon.stopAndCleanup(10_000);
  if (store) await dropStore(store);
  if (home) removeDir(home);
}, 60_000);

describe.runIf(ok)('fleet monitor over a real run', () => {
  it('exports the run during and after it, bounded and valid; a restart keeps every counter', async () => {
    const plan = mainPlan();
    const taskIds = plan.tasks.map((t) => t.id);
    // --listen overrides fleet.yaml's monitor.listen
    const first = await startMonitor(['--listen', `127.0.0.1:${flagPort}`]);
    expect(first.url).toBe(`http://127.0.0.1:${flagPort}`);
    const runId = await submit(plan);

    // During the run: a worker busy on the running run; task totals between two store reads.
    let during: Sample[] = [];
    let bounds: [RunWithCounts, RunWithCounts] | undefined;
    await waitFor('a scrape while the run is running with a busy slot', async () => {
      const before = await store.read.get(runId);
      const text = await first.scrape();
      const after = await store.read.get(runId);
      const s = parseExposition(text);
      if (after.status !== 'running' || total(s, 'agentfleet_runs', { state: 'running' }) !== 1 || total(s, 'agentfleet_worker_slots_busy', { host: HOST }) < 1) return false;
      expectPromtoolOk(text);
      [during, bounds] = [s, [before, after]];
      return true;
    }, 30_000, 100);
    const [lo, hi] = bounds!;
    const succeededDuring = total(during, 'agentfleet_tasks_total', { status: 'succeeded' });
    expect(succeededDuring).toBeGreaterThanOrEqual(lo.counts.succeeded);
    expect(succeededDuring).toBeLessThanOrEqual(hi.counts.succeeded);
    expect(total(during, 'agentfleet_active_run_tasks')).toBe(plan.tasks.length);
    expect(total(during, 'agentfleet_host_up', { host: HOST })).toBe(1);
    expectBoundedLabels(during, [runId], taskIds);

    const run = await finished(runId);
    expect(run.status).toBe('failed');
    expect(run.counts).toMatchObject({ succeeded: 16, failed: 2, skipped: 2 });
    const afterText = await first.scrape();
    const after = parseExposition(afterText);
    const names = new Set(after.map((s) => s.name));
    for (const family of ['agentfleet_host_cpu_ratio', 'agentfleet_host_memory_used_bytes', 'agentfleet_host_memory_total_bytes', 'agentfleet_host_load1', 'agentfleet_host_disk_free_bytes', 'agentfleet_worker_slots_idle', 'agentfleet_worker_rss_bytes', 'agentfleet_task_wait_seconds_bucket', 'agentfleet_runs_finished_total', 'agentfleet_redis_memory_used_bytes']) {
      expect(names, family).toContain(family);
    }
    expect(total(after, 'agentfleet_tasks_total', { status: 'succeeded' })).toBe(run.counts.succeeded);
    expect(total(after, 'agentfleet_tasks_total', { status: 'failed' })).toBe(run.counts.failed);
    expect(total(after, 'agentfleet_tasks_total', { status: 'skipped' })).toBe(run.counts.skipped);
    expect(total(after, 'agentfleet_tasks_total', { status: 'failed', agent: 'shell' })).toBe(2);
    expect(total(after, 'agentfleet_host_up', { host: HOST })).toBe(1);
    expect(total(after, 'agentfleet_worker_slots_desired', { host: HOST })).toBe(2);
    expect(total(after, 'agentfleet_worker_slots_busy', { host: HOST }) + total(after, 'agentfleet_worker_slots_idle', { host: HOST })).toBe(2);
    expect(afterText).toContain('# TYPE agentfleet_queue_jobs gauge');
    expect(total(after, 'agentfleet_queue_jobs', { queue: 'tasks', state: 'failed' })).toBe(run.counts.failed);
    expect(total(after, 'agentfleet_queue_jobs', { queue: 'tasks', state: 'completed' })).toBe(run.counts.succeeded);
    expect(total(after, 'agentfleet_queue_jobs', { queue: 'tasks', state: 'waiting' })).toBe(0);
    // Tasks that ran (not the skipped ones) have a duration and a wait.
    const ran = run.counts.succeeded + run.counts.failed;
    expect(total(after, 'agentfleet_task_duration_seconds_count')).toBe(ran);
    expect(new Set(after.filter((s) => s.name === 'agentfleet_task_duration_seconds_count').map((s) => s.labels.agent))).toEqual(new Set(['shell', 'noop']));
    expect(total(after, 'agentfleet_task_duration_seconds_bucket', { agent: 'shell', le: '+Inf' })).toBe(12);
    expect(total(after, 'agentfleet_task_wait_seconds_count')).toBe(ran);
    expect(total(after, 'agentfleet_runs_finished_total', { status: 'failed' })).toBe(1);
    expect(total(after, 'agentfleet_runs', { state: 'running' })).toBe(0);
    expect(total(after, 'agentfleet_run_budget_usd')).toBe(BUDGET_USD);
    expectBoundedLabels(after, [runId], taskIds);
    expectPromtoolOk(afterText);
    // Within one monitor: nothing went down during the run.
    const duringCounters = counterSeries(during);
    const afterCounters = counterSeries(after);
    for (const [k, v] of duringCounters) expect(afterCounters.get(k), k).toBeGreaterThanOrEqual(v);

    // Restart: SIGTERM closes cleanly; the new one (fleet.yaml's listen, writable board) shows the same counters.
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const second = await startMonitor(['--queues-writable']);
    expect(second.url).toBe(`http://127.0.0.1:${configPort}`);
    const restarted = counterSeries(parseExposition(await second.scrape()));
    for (const [k, v] of afterCounters) expect(restarted.get(k), k).toBe(v);

    // A second run after the restart: every counter at least what it was, the new tasks counted once.
    const small = planOf([spec('mon2-a'), spec('mon2-b', ['mon2-a']), sh('mon2-c', 'true')], 'monitor-e2e-2');
    const run2Id = await submit(small);
    expect((await finished(run2Id)).status).toBe('succeeded');
    const laterText = await second.scrape();
    const later = parseExposition(laterText);
    const laterCounters = counterSeries(later);
    for (const [k, v] of afterCounters) expect(laterCounters.get(k), k).toBeGreaterThanOrEqual(v);
    expect(total(later, 'agentfleet_tasks_total', { status: 'succeeded' })).toBe(run.counts.succeeded + 3);
    expect(total(later, 'agentfleet_tasks_total', { status: 'failed' })).toBe(run.counts.failed);
    expect(total(later, 'agentfleet_runs_finished_total', { status: 'succeeded' })).toBe(1);
    expect(total(later, 'agentfleet_task_duration_seconds_count')).toBe(ran + 3);
    expectBoundedLabels(later, [runId, run2Id], [...taskIds, ...small.tasks.map((t) => t.id)]);
    expectPromtoolOk(laterText);
    // The board was started writable: the monitor's own read-only lock is off (bull-board answers).
    const put = await fetch(`${second.url}/queues/api/queues/no-such-queue/pause`, { method: 'PUT' });
    expect(put.status).not.toBe(405);
    expect((await second.stop('SIGTERM')).code).toBe(0);
  }, 180_000);

  it('answers /healthz; /queues shows the task queue and refuses changes by default', async () => {
    const m = await startMonitor(['--listen', '127.0.0.1:0']);
    const health = await fetch(`${m.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', redis: { usedMemory: expect.any(Number) as number } });
    const page = await fetch(`${m.url}/queues`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const api = (await (await fetch(`${m.url}/queues/api/queues`)).json()) as { queues: { name: string; readOnlyMode: boolean; isPaused?: boolean; counts: Record<string, number> }[] };
    const tasks = api.queues.find((q) => q.name === queueNameFor([], PROTOCOL_VERSION));
    expect(tasks?.readOnlyMode).toBe(true);
    const failedBefore = tasks!.counts.failed;
    expect(failedBefore).toBeGreaterThan(0);
    for (const [method, path] of [['PUT', '/queues/api/queues/tasks/retry/failed'], ['POST', '/queues/api/queues/tasks/retry/failed'], ['PUT', '/queues/api/queues/tasks/pause'], ['DELETE', '/queues/api/queues/tasks/clean/failed']] as const) {
      const res = await fetch(`${m.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
    }
    const again = (await (await fetch(`${m.url}/queues/api/queues`)).json()) as typeof api;
    const tasksAgain = again.queues.find((q) => q.name === queueNameFor([], PROTOCOL_VERSION))!;
    expect(tasksAgain.counts.failed).toBe(failedBefore);
    expect(tasksAgain.isPaused ?? false).toBe(false);
    expect((await m.stop('SIGINT')).code).toBe(0);
  }, 60_000);
});

// The run engine end to end: real redis-server, real host daemons and worker processes,
// real shell agents. Homes and repositories live in /dev/shm.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobIdOf, makeRunId, type Plan, type TaskSpec } from '@agentfleet/core';
import type { FleetStore, RunReport } from '@agentfleet/store';
import { ensureBuilt, noConfig as config, pidsWithArg, plan, requireBinaries, runEnded, task as spec, tempDir, TestHostd, TestRedis, testStore, waitFor, workerPids } from '@agentfleet/testkit';

const haveRedis = requireBinaries('redis-server');

const stores: FleetStore[] = [];
const daemons: TestHostd[] = [];

function openStore(url = inject('redisUrl')): FleetStore {
  const s = testStore('e2e', url);
  stores.push(s);
  return s;
}

function hostd(store: FleetStore, opts: Partial<ConstructorParameters<typeof TestHostd>[0]> = {}, url = inject('redisUrl')): TestHostd {
  const d = new TestHostd({ redisUrl: url, prefix: store.prefix, ...opts });
  daemons.push(d);
  return d;
}

const sh = (id: string, run: string, deps: string[] = [], extra: Partial<TaskSpec> = {}) => spec(id, deps, { agent: 'shell', run, ...extra });

const planOf = (tasks: TaskSpec[]): Plan => plan(tasks, 'e2e');

async function start(store: FleetStore, plan: Plan, opts: { schedule?: 'deps' | 'levels'; failFast?: boolean; enqueue?: boolean } = {}): Promise<string> {
  const runId = makeRunId(new Date());
  const { roots } = await store.runs.submit(plan, { runId, schedule: opts.schedule ?? 'deps', failFast: opts.failFast ?? false, baseCommit: null, config });
  // enqueue: false plays a CLI that died right after the transaction: the jobs never came
  if (opts.enqueue === false) for (const r of roots) await store.queues.remove(r.queue, jobIdOf(r.runId, r.taskId));
  return runId;
}

async function finished(store: FleetStore, runId: string, timeoutMs = 60_000): Promise<RunReport> {
  await runEnded(store, runId, timeoutMs);
  return store.read.report(runId);
}

const ms = (iso: string | null) => (iso ? Date.parse(iso) : NaN);

beforeAll(async () => {
  if (haveRedis) await ensureBuilt();
}, 300_000);

afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stopAndCleanup(10_000)));
});

afterAll(async () => {
  for (const s of stores) await s.close();
});

describe.runIf(haveRedis)('run engine', () => {
  it('deps starts a task when its own dependencies finish; levels waits for the whole previous level', async () => {
    const store = openStore();
    hostd(store, { slots: 3 });
    const tasks = [sh('a', 'sleep 0.1'), sh('x', 'sleep 2'), sh('b', 'sleep 0.1', ['a'])];
    const deps = await finished(store, await start(store, planOf(tasks), { schedule: 'deps' }));
    const levels = await finished(store, await start(store, planOf(tasks), { schedule: 'levels' }));
    const t = (r: RunReport, id: string) => r.tasks.find((x) => x.id === id)!;
    expect(deps.run.status).toBe('succeeded');
    expect(levels.run.status).toBe('succeeded');
    // deps: b starts long before x finishes; levels: b starts only after x finished.
    expect(ms(t(deps, 'b').startedAt)).toBeLessThan(ms(t(deps, 'x').finishedAt));
    expect(ms(t(levels, 'b').startedAt)).toBeGreaterThanOrEqual(ms(t(levels, 'x').finishedAt));
    for (const r of [deps, levels]) expect(ms(t(r, 'b').startedAt)).toBeGreaterThanOrEqual(ms(t(r, 'a').finishedAt));
  });

  it('the longest remaining path starts first (critical-path priority), as the plan figures predict', async () => {
    const store = openStore();
    hostd(store, { slots: 1 });
    const est = (ms: number) => ({ estimateMs: ms });
    const tasks = [sh('x1', 'true', [], est(1000)), sh('x2', 'true', [], est(1000)), sh('c1', 'true', [], est(1000)), sh('c2', 'true', ['c1'], est(1000)), sh('c3', 'true', ['c2'], est(1000))];
    const report = await finished(store, await start(store, planOf(tasks)));
    const order = [...report.tasks].sort((a, b) => ms(a.startedAt) - ms(b.startedAt)).map((t) => t.id);
    expect(order.slice(0, 2)).toEqual(['c1', 'c2']);
  });

  it('a 1000-task random DAG completes with every task once and no dependent started before its dependencies finished', async () => {
    const store = openStore();
    hostd(store, { slots: 3, host: 'h1' });
    hostd(store, { slots: 3, host: 'h2' });
    let rnd = 42;
    const random = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const tasks: TaskSpec[] = [];
    for (let i = 0; i < 1000; i++) {
      const deps = new Set<string>();
      const n = i === 0 ? 0 : Math.floor(random() * 3);
      for (let k = 0; k < n; k++) deps.add(`t${Math.floor(random() * i)}`);
      tasks.push(spec(`t${i}`, [...deps]));
    }
    const report = await finished(store, await start(store, planOf(tasks)), 180_000);
    expect(report.run.status).toBe('succeeded');
    expect(report.tasks).toHaveLength(1000);
    expect(new Set(report.tasks.map((t) => t.id)).size).toBe(1000);
    expect(report.tasks.every((t) => t.status === 'succeeded' && t.attempts === 1)).toBe(true);
    const byId = new Map(report.tasks.map((t) => [t.id, t]));
    for (const t of report.tasks) for (const d of t.deps) expect(ms(t.startedAt)).toBeGreaterThanOrEqual(ms(byId.get(d)!.finishedAt));
    const stats = await store.figures.readStats();
    expect(stats.tasks.filter((s) => s.status === 'succeeded').reduce((a, s) => a + s.count, 0)).toBe(1000);
    expect(new Set(report.tasks.map((t) => t.host))).toEqual(new Set(['h1', 'h2']));
  }, 240_000);

  it('a failing task skips exactly its transitive dependents; independent branches succeed; retries back off', async () => {
    const store = openStore();
    hostd(store, { slots: 2 });
    // fails its first attempt only: the attempt number is one of the task variables
    const flaky = 'test "$AGENTFLEET_ATTEMPT" -ge 2 || exit 3';
    const tasks = [
      sh('root', 'true'),
      sh('bad', 'echo broken >&2; exit 7', ['root']),
      sh('child', 'true', ['bad']),
      sh('grandchild', 'true', ['child']),
      sh('side', 'true', ['root']),
      sh('flaky', flaky, ['side'], { retries: 2, backoffMs: 800 }),
    ];
    const report = await finished(store, await start(store, planOf(tasks)));
    const s = Object.fromEntries(report.tasks.map((t) => [t.id, t.status]));
    expect(s).toEqual({ root: 'succeeded', bad: 'failed', side: 'succeeded', child: 'skipped', grandchild: 'skipped', flaky: 'succeeded' });
    const bad = report.tasks.find((t) => t.id === 'bad')!;
    expect(bad.error).toMatchObject({ kind: 'exit_code' });
    expect(bad.error!.message).toMatch(/exit code 7.*broken/);
    expect(report.tasks.find((t) => t.id === 'grandchild')!.skippedBecause).toBe('bad');
    const flakyTask = report.tasks.find((t) => t.id === 'flaky')!;
    expect(flakyTask.attempts).toBe(2);
    const [first, second] = flakyTask.history;
    expect(Date.parse(second!.startedAt) - Date.parse(first!.finishedAt)).toBeGreaterThanOrEqual(750);
    expect(report.run.status).toBe('failed');
  });

  it('--fail-fast cancels the rest of the run', async () => {
    const store = openStore();
    hostd(store, { slots: 2 });
    const marker = `ff-${process.pid}-${Date.now()}`;
    const tasks = [sh('bad', 'sleep 0.3; exit 1'), sh('long', `sleep 30 # ${marker}`), sh('after', 'true', ['long'])];
    const report = await finished(store, await start(store, planOf(tasks), { failFast: true }));
    expect(report.run.status).toBe('failed');
    expect(Object.fromEntries(report.tasks.map((t) => [t.id, t.status]))).toEqual({ bad: 'failed', long: 'cancelled', after: 'cancelled' });
    await waitFor('the cancelled agent to be killed', () => pidsWithArg(marker).length === 0, 10_000);
  });

  it('cancel mid-run leaves no agent process alive; retry re-runs only what was asked', async () => {
    const store = openStore();
    hostd(store, { slots: 2 });
    const marker = `cancel-${process.pid}-${Date.now()}`;
    const runId = await start(store, planOf([sh('s1', `sleep 60 # ${marker}`), sh('s2', `sleep 60 # ${marker}`), sh('s3', 'true', ['s1'])]));
    // each agent's marker shows in its sleep and in the sandbox around it: count running tasks
    await waitFor('two agents running', async () => (await store.read.get(runId)).counts.running === 2 && pidsWithArg(`sleep 60 # ${marker}`).length >= 2, 20_000);
    const res = await store.runs.cancel(runId);
    expect(res.runningTasks.sort()).toEqual(['s1', 's2']);
    await waitFor('agents killed', () => pidsWithArg(marker).length === 0, 10_000);
    const run = await store.read.get(runId);
    expect(run.status).toBe('cancelled');
    expect(run.counts.cancelled).toBe(3);

    const dir = tempDir('retry-only');
    // f reads a file the test writes outside its workspace: unconfined, written out
    const runB = await start(store, planOf([sh('ok', 'true'), sh('f', `test -f ${dir}/fixed`, [], { sandbox: 'none' }), sh('after', 'true', ['f'])]));
    await finished(store, runB);
    writeFileSync(join(dir, 'fixed'), '');
    const retried = await store.runs.retry(runB, 'failed');
    expect(retried.reopened).toEqual(['f']);
    await waitFor('f re-ran', async () => (await store.read.report(runB)).tasks.find((t) => t.id === 'f')!.status === 'succeeded', 20_000);
    const after = await store.read.report(runB);
    expect(after.tasks.find((t) => t.id === 'after')!.status).toBe('skipped'); // only failed was asked
    expect(after.tasks.find((t) => t.id === 'ok')!.attempts).toBe(1);
    const all = await store.runs.retry(runB);
    expect(all.reopened).toEqual(['after']);
    expect((await finished(store, runB)).run.status).toBe('succeeded');
  });

  it('a worker SIGKILLed mid-task: the task runs again and the run completes', async () => {
    const store = openStore();
    const d = hostd(store, { slots: 1 });
    const marker = `victim-${process.pid}-${Date.now()}`;
    const runId = await start(store, planOf([sh('victim', `sleep 3 # ${marker}`), sh('next', 'true', ['victim'])]));
    const workerPid = await waitFor('the worker to run victim', async () => {
      const host = (await store.hosts.list()).find((h) => h.name === d.host);
      return host?.workers.find((w) => w.taskId === 'victim')?.pid ?? null;
    }, 20_000);
    await waitFor('agent started', () => pidsWithArg(`sleep 3 # ${marker}`).length > 0, 10_000);
    process.kill(workerPid, 'SIGKILL');
    // the agent's sandbox dies with its worker (or the next worker of the slot kills it)
    await waitFor('the killed worker\'s agent gone', () => pidsWithArg(marker).length === 0, 10_000);
    const report = await finished(store, runId, 60_000);
    expect(report.run.status).toBe('succeeded');
    const victim = report.tasks.find((t) => t.id === 'victim')!;
    expect(victim.attempts).toBeGreaterThanOrEqual(2);
    expect(victim.history.filter((h) => h.sandbox === 'bwrap').length).toBeGreaterThanOrEqual(1);
    expect(d.log).toMatch(/killed by SIGKILL; restarting/);
  }, 90_000);

  it('a crash between advance and enqueue is repaired by the reconciler', async () => {
    const store = openStore();
    // Submitted but never enqueued (the CLI died right after submit) ...
    const runId = await start(store, planOf([spec('a'), spec('b', ['a']), spec('c', ['b'])]), { enqueue: false });
    // ... and a worker recorded `a` and advanced the DAG, then died before enqueueing `b`.
    expect((await store.attempts.claim(runId, 'a', 'ghost', 'ghost-0')).ok).toBe(true);
    const res = await store.attempts.complete({ runId, taskId: 'a', outcome: 'succeeded', result: {} });
    expect(res.ready.map((r) => r.taskId)).toEqual(['b']);
    for (const r of res.ready) await store.queues.remove(r.queue, jobIdOf(r.runId, r.taskId));
    hostd(store, { slots: 1 });
    const report = await finished(store, runId, 30_000);
    expect(report.run.status).toBe('succeeded');
    expect(report.tasks.map((t) => t.attempts)).toEqual([1, 1, 1]);
  });

  it('Redis restarted mid-run (AOF on): the run still completes', async () => {
    const redis = await TestRedis.start();
    try {
      const store = openStore(redis.url);
      hostd(store, { slots: 2 }, redis.url);
      const tasks: TaskSpec[] = [];
      for (let i = 0; i < 24; i++) tasks.push(sh(`t${i}`, 'sleep 0.2', i >= 4 ? [`t${i - 4}`] : []));
      const runId = await start(store, planOf(tasks));
      await waitFor('a few tasks done', async () => (await store.read.get(runId)).counts.succeeded >= 4, 30_000);
      await redis.restart(1000);
      const report = await finished(store, runId, 90_000);
      expect(report.run.status).toBe('succeeded');
      expect(report.totals.succeeded).toBe(24);
    } finally {
      await redis.stop();
    }
  }, 120_000);

  it('a task past its timeout is killed with its whole process group and fails with kind timeout', async () => {
    const store = openStore();
    hostd(store, { slots: 1 });
    const marker = `sleep 60.${process.pid}${Date.now() % 1000}`;
    // The shell starts a background child too: both must die.
    const report = await finished(store, await start(store, planOf([sh('slow', `${marker} & ${marker}`, [], { timeoutMs: 1500 })])));
    const slow = report.tasks[0]!;
    expect(slow.status).toBe('failed');
    expect(slow.error).toMatchObject({ kind: 'timeout' });
    await waitFor('no agent process left (shell and its background child)', () => pidsWithArg(marker).length === 0, 10_000);
  });

  it('below the disk-free threshold a host takes no task and its heartbeat says why', async () => {
    const store = openStore();
    const d = hostd(store, { slots: 1, env: { AGENTFLEET_MIN_DISK_FREE: String(1e18) } });
    const host = await waitFor('heartbeat with the guard on', async () => (await store.hosts.list()).find((h) => h.name === d.host && h.up && !h.acceptingWork), 20_000);
    const why = (await store.hosts.list())[0]!.notAcceptingReason;
    expect(why).toMatch(/disk free .* below/);
    expect(host.name).toBe(d.host);
    const runId = await start(store, planOf([spec('waits')]));
    await new Promise((r) => setTimeout(r, 3000));
    const r = await store.read.report(runId);
    expect(r.tasks[0]!.status, d.log).toBe('queued');
    await store.runs.cancel(runId);
  });

  it('scale down never kills a running task; surplus workers exit after their current one', async () => {
    const store = openStore();
    const d = hostd(store, { slots: 2 });
    await waitFor('two workers', async () => (await store.hosts.list())[0]?.workers.filter((w) => w.pid).length === 2, 20_000);
    const runId = await start(store, planOf([sh('a', 'sleep 2'), sh('b', 'sleep 2')]));
    await waitFor('both running', async () => (await store.read.get(runId)).counts.running === 2, 20_000);
    await store.hosts.setSlots(d.host, 1);
    await store.events.publish({ type: 'scale', host: d.host, slots: 1 });
    const report = await finished(store, runId);
    expect(report.tasks.every((t) => t.status === 'succeeded' && t.attempts === 1)).toBe(true);
    await waitFor('one worker left', async () => (await store.hosts.list())[0]?.workers.filter((w) => w.pid).length === 1, 20_000);
    expect(workerPids(d.home).length).toBeGreaterThanOrEqual(1);
  });
});

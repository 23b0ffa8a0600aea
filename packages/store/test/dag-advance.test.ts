import { afterEach, describe, expect, inject, it } from 'vitest';
import { makeRunId } from '@agentfleet/core';
import type { FleetStore, ReadyTask } from '../src/index.js';
import { noConfig, plan, task, testStore } from '@agentfleet/testkit';

const stores: FleetStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function open(name: string) {
  const s = testStore(name, inject('redisUrl'));
  stores.push(s);
  return s;
}

/** Drives a run by hand: claim and complete ready tasks in order, as workers would. */
async function drive(store: FleetStore, runId: string, roots: ReadyTask[], fail = new Set<string>()) {
  const order: string[] = [];
  let ready = [...roots];
  while (ready.length) {
    const next: ReadyTask[] = [];
    for (const t of ready.sort((a, b) => a.taskId.localeCompare(b.taskId))) {
      const c = await store.attempts.claim(runId, t.taskId, 'h', 'h-0');
      if (!c.ok) continue;
      order.push(t.taskId);
      const res = fail.has(t.taskId)
        ? await store.attempts.complete({ runId, taskId: t.taskId, outcome: 'failed', result: {}, error: { kind: 'exit_code', message: 'boom' } })
        : await store.attempts.complete({ runId, taskId: t.taskId, outcome: 'succeeded', result: { durationMs: 5 } });
      next.push(...res.ready);
    }
    ready = next;
  }
  return order;
}

describe('DAG advance (Lua)', () => {
  it('runs a diamond in dependency order and finishes the run', async () => {
    const store = open('diamond');
    const runId = makeRunId(new Date());
    const { roots } = await store.runs.submit(plan([task('a'), task('b', ['a']), task('c', ['a']), task('d', ['b', 'c'])]), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    expect(roots.map((r) => r.taskId)).toEqual(['a']);
    const order = await drive(store, runId, roots);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    const run = await store.read.get(runId);
    expect(run.status).toBe('succeeded');
    expect(run.counts.succeeded).toBe(4);
    expect(run.finishedAt).not.toBeNull();
  });

  it('skips exactly the transitive dependents of a failed task, naming it; independent branches go on', async () => {
    const store = open('skip');
    const runId = makeRunId(new Date());
    const tasks = [task('a'), task('b', ['a']), task('c', ['b']), task('x'), task('y', ['x']), task('z', ['c', 'y'])];
    const { roots } = await store.runs.submit(plan(tasks), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    await drive(store, runId, roots, new Set(['b']));
    const report = await store.read.report(runId);
    const status = Object.fromEntries(report.tasks.map((t) => [t.id, t.status]));
    expect(status).toEqual({ a: 'succeeded', x: 'succeeded', b: 'failed', y: 'succeeded', c: 'skipped', z: 'skipped' });
    expect(report.tasks.find((t) => t.id === 'c')!.skippedBecause).toBe('b');
    expect(report.tasks.find((t) => t.id === 'z')!.error?.message).toMatch(/dependency b failed/);
    expect(report.run.status).toBe('failed');
    expect(report.totals).toMatchObject({ tasks: 6, succeeded: 3, failed: 1, skipped: 2 });
    // told once each, in the same script as the change
    const notices = await store.notices.after('0');
    expect(notices.map((n) => [n.type, n.fields.taskId ?? n.fields.status])).toEqual([['task_failed', 'b'], ['run_finished', 'failed']]);
    expect(notices[0]!.fields).toMatchObject({ runId, kind: 'exit_code', message: 'boom' });
  });

  it('fail-fast cancels everything not finished', async () => {
    const store = open('failfast');
    const runId = makeRunId(new Date());
    const { roots } = await store.runs.submit(plan([task('a'), task('b'), task('c', ['b'])]), { runId, schedule: 'deps', failFast: true, baseCommit: null, config: noConfig });
    await store.attempts.claim(runId, 'a', 'h', 'h-0');
    const res = await store.attempts.complete({ runId, taskId: 'a', outcome: 'failed', result: {}, error: { kind: 'exit_code', message: 'x' } });
    expect(res.failFast).toBe(true);
    expect(res.runFinished).toBe('failed');
    const r = await store.read.report(runId);
    expect(r.tasks.map((t) => t.status).sort()).toEqual(['cancelled', 'cancelled', 'failed']);
    expect(roots).toHaveLength(2);
  });

  it('levels schedule: a task waits for every task of the previous level (barriers)', async () => {
    const store = open('levels');
    const runId = makeRunId(new Date());
    // level 0: a, x; level 1: b (dep a). With levels, b waits for x too.
    const { roots } = await store.runs.submit(plan([task('a'), task('x'), task('b', ['a'])]), { runId, schedule: 'levels', failFast: false, baseCommit: null, config: noConfig });
    expect(roots.map((r) => r.taskId).sort()).toEqual(['a', 'x']);
    await store.attempts.claim(runId, 'a', 'h', 'h-0');
    const afterA = await store.attempts.complete({ runId, taskId: 'a', outcome: 'succeeded', result: {} });
    expect(afterA.ready).toEqual([]);
    await store.attempts.claim(runId, 'x', 'h', 'h-0');
    const afterX = await store.attempts.complete({ runId, taskId: 'x', outcome: 'succeeded', result: {} });
    expect(afterX.ready.map((r) => r.taskId)).toEqual(['b']);
  });

  it('levels schedule: a failure in a level still opens the barrier for independent tasks', async () => {
    const store = open('levels-fail');
    const runId = makeRunId(new Date());
    const { roots } = await store.runs.submit(plan([task('a'), task('x'), task('b', ['a']), task('y', ['x'])]), { runId, schedule: 'levels', failFast: false, baseCommit: null, config: noConfig });
    const order = await drive(store, runId, roots, new Set(['a']));
    expect(order).toEqual(['a', 'x', 'y']);
    const r = await store.read.report(runId);
    expect(Object.fromEntries(r.tasks.map((t) => [t.id, t.status]))).toEqual({ a: 'failed', x: 'succeeded', b: 'skipped', y: 'succeeded' });
    expect(r.run.status).toBe('failed');
  });

  it('a second completion of the same task is ignored (no double record)', async () => {
    const store = open('dup');
    const runId = makeRunId(new Date());
    await store.runs.submit(plan([task('a'), task('b', ['a'])]), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    await store.attempts.claim(runId, 'a', 'h', 'h-0');
    const first = await store.attempts.complete({ runId, taskId: 'a', outcome: 'succeeded', result: {} });
    const second = await store.attempts.complete({ runId, taskId: 'a', outcome: 'succeeded', result: {} });
    expect(first.ready.map((r) => r.taskId)).toEqual(['b']);
    expect(second).toMatchObject({ duplicate: true, ready: [] });
    const stats = await store.figures.readStats();
    expect(stats.tasks.find((t) => t.status === 'succeeded')?.count).toBe(1);
    expect((await store.attempts.claim(runId, 'a', 'h', 'h-1')).ok).toBe(false);
  });

  it('fencing: an attempt that lost the task (another worker took over) records nothing', async () => {
    const store = open('fence');
    const runId = makeRunId(new Date());
    await store.runs.submit(plan([task('a'), task('b', ['a'])]), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    const first = await store.attempts.claim(runId, 'a', 'h1', 'h1-0'); // cut off from Redis after this
    const second = await store.attempts.claim(runId, 'a', 'h2', 'h2-0'); // the job came back: another worker took it
    if (!first.ok || !second.ok) throw new Error('claims failed');
    const owner1 = { host: 'h1', worker: 'h1-0', attempt: first.attempts, startedAt: first.startedAt };
    const owner2 = { host: 'h2', worker: 'h2-0', attempt: second.attempts, startedAt: second.startedAt };
    expect(await store.attempts.owns(runId, 'a', owner1)).toBe(false);
    expect(await store.attempts.owns(runId, 'a', owner2)).toBe(true);
    const stale = await store.attempts.complete({ runId, taskId: 'a', outcome: 'succeeded', result: { commit: 'c1' }, owner: owner1 });
    expect(stale).toMatchObject({ stale: true, ready: [] });
    expect(await store.attempts.retrying({ runId, taskId: 'a', error: { kind: 'exit_code', message: 'late' }, owner: owner1 })).toBe(false);
    expect((await store.read.report(runId)).tasks[0]).toMatchObject({ status: 'running', worker: 'h2-0', commit: null, error: null });
    const real = await store.attempts.complete({ runId, taskId: 'a', outcome: 'succeeded', result: { commit: 'c2' }, owner: owner2 });
    expect(real.ready.map((r) => r.taskId)).toEqual(['b']);
    expect((await store.read.report(runId)).tasks[0]).toMatchObject({ status: 'succeeded', commit: 'c2' });
  });

  it('retry re-opens only what was asked, and the run can succeed afterwards', async () => {
    const store = open('retry');
    const runId = makeRunId(new Date());
    const { roots } = await store.runs.submit(plan([task('a'), task('b', ['a']), task('c')]), { runId, schedule: 'levels', failFast: false, baseCommit: null, config: noConfig });
    await drive(store, runId, roots, new Set(['a']));
    expect((await store.read.get(runId)).status).toBe('failed');
    const onlySkipped = await store.runs.retry(runId, 'skipped');
    expect(onlySkipped.reopened).toEqual([]); // b cannot run while a stays failed
    const res = await store.runs.retry(runId);
    expect(res.reopened.sort()).toEqual(['a', 'b']);
    expect(res.ready.map((r) => r.taskId)).toEqual(['a']);
    await drive(store, runId, res.ready);
    const run = await store.read.get(runId);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ succeeded: 3, failed: 0, skipped: 0 });
  });

  it('cancel marks every unfinished task cancelled and ends the run', async () => {
    const store = open('cancel');
    const runId = makeRunId(new Date());
    await store.runs.submit(plan([task('a'), task('b', ['a'])]), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    await store.attempts.claim(runId, 'a', 'h', 'h-0');
    const res = await store.runs.cancel(runId);
    expect(res.runningTasks).toEqual(['a']);
    const run = await store.read.get(runId);
    expect(run.status).toBe('cancelled');
    expect(run.counts.cancelled).toBe(2);
    // the agent that was running finishes later: nothing changes
    const late = await store.attempts.complete({ runId, taskId: 'a', outcome: 'succeeded', result: {} });
    expect(late.duplicate).toBe(true);
  });

  it('submit writes nothing when the transaction fails and refuses an existing run id', async () => {
    const store = open('atomic');
    const runId = makeRunId(new Date());
    await store.runs.submit(plan([task('a')]), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    await expect(store.runs.submit(plan([task('b')]), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig })).rejects.toThrow(/already exists/);
    const keys = await store.redis.keys(`${store.prefix}:run:${runId}:t:*`);
    expect(keys).toHaveLength(1);
  });

  it('works with a Redis Cluster hash-tag prefix', async () => {
    const base = testStore('tag', inject('redisUrl'));
    const store = new (base.constructor as typeof import('../src/index.js').FleetStore)(base.redis, `{t${process.pid}}`);
    stores.push(base);
    const runId = makeRunId(new Date());
    const { roots } = await store.runs.submit(plan([task('a'), task('b', ['a'])]), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    await drive(store, runId, roots);
    expect((await store.read.get(runId)).status).toBe('succeeded');
    const keys = await store.redis.keys(`{t${process.pid}}*`);
    expect(keys.every((k) => k.startsWith(`{t${process.pid}}:`))).toBe(true);
    await store.redis.del(...keys);
  });
});

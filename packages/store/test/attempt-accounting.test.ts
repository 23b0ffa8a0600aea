// What the durable totals and a task's history say after every way an attempt can end.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { makeRunId } from '@agentfleet/core';
import type { AttemptOwner, FleetStore } from '../src/index.js';
import { noConfig, plan, task, testStores } from '@agentfleet/testkit';

const stores = testStores(() => inject('redisUrl'));
afterEach(stores.dropAll);
const open = (name: string) => stores.open(name);

const spend = (input: number, output: number, costUsd: number) => ({ provider: 'lan', model: 'm1', usage: { input, cachedInput: 0, output }, costUsd });

async function claimed(store: FleetStore, runId: string, taskId: string, worker = 'h-0'): Promise<AttemptOwner> {
  const c = await store.attempts.claim(runId, taskId, 'h', worker);
  if (!c.ok) throw new Error(`claim of ${taskId} failed: ${c.status}`);
  return { host: 'h', worker, attempt: c.attempts, startedAt: c.startedAt };
}

const entry = (owner: AttemptOwner, status: 'succeeded' | 'failed' | 'retrying' | 'cancelled' | 'lost', s: ReturnType<typeof spend>) => ({
  attempt: owner.attempt, host: owner.host, worker: owner.worker, startedAt: new Date(owner.startedAt).toISOString(), finishedAt: new Date().toISOString(),
  status, error: status === 'succeeded' ? null : { kind: 'exit_code', message: status }, usage: s.usage, costUsd: s.costUsd, provider: s.provider, model: s.model, sandbox: null, rounds: [], setup: null,
});

describe('attempt accounting', () => {
  it('fail-fast counts the tasks it cancels in the per-agent totals, as a cancel does', async () => {
    const store = open('failfast-counts');
    const before = await store.figures.readStats();
    const count = (stats: typeof before, status: string, agent: string) => stats.tasks.find((t) => t.status === status && t.agent === agent)?.count ?? 0;
    const runId = makeRunId(new Date());
    await store.runs.submit(plan([task('a'), task('b', [], { agent: 'shell', run: 'true' }), task('c', ['b'], { agent: 'shell', run: 'true' })]), { runId, schedule: 'deps', failFast: true, baseCommit: null, config: noConfig });
    await claimed(store, runId, 'a');
    await store.attempts.complete({ runId, taskId: 'a', outcome: 'failed', result: {}, error: { kind: 'exit_code', message: 'x' } });
    const after = await store.figures.readStats();
    expect(count(after, 'failed', 'noop') - count(before, 'failed', 'noop')).toBe(1);
    expect(count(after, 'cancelled', 'shell') - count(before, 'cancelled', 'shell')).toBe(2);

    // the same two tasks cancelled by `fleet cancel` count the same way
    const other = makeRunId(new Date(Date.now() + 1000));
    await store.runs.submit(plan([task('a'), task('b', [], { agent: 'shell', run: 'true' }), task('c', ['b'], { agent: 'shell', run: 'true' })]), { runId: other, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    await store.runs.cancel(other);
    const afterCancel = await store.figures.readStats();
    expect(count(afterCancel, 'cancelled', 'shell') - count(after, 'cancelled', 'shell')).toBe(2);
  });

  it("every attempt's spend counts: retried, lost, cancelled and the last one; history lists each in order", async () => {
    const store = open('spend');
    const runId = makeRunId(new Date());
    await store.runs.submit(plan([task('a', [], { retries: 3 }), task('b')]), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    const statsBefore = await store.figures.readStats();

    const first = await claimed(store, runId, 'a');
    expect(await store.attempts.retrying({ runId, taskId: 'a', error: { kind: 'exit_code', message: 'retrying' }, owner: first, spend: spend(100, 10, 0.1), history: entry(first, 'retrying', spend(100, 10, 0.1)) })).toBe(true);
    const second = await claimed(store, runId, 'a', 'h-1');
    const third = await claimed(store, runId, 'a', 'h-2'); // the second worker was cut off; its attempt is lost
    const stale = await store.attempts.complete({ runId, taskId: 'a', outcome: 'succeeded', result: {}, owner: second, spend: spend(200, 20, 0.2) });
    expect(stale.stale).toBe(true);
    await store.attempts.recordEnded({ runId, taskId: 'a', spend: spend(200, 20, 0.2), history: entry(second, 'lost', spend(200, 20, 0.2)) });
    await store.attempts.complete({ runId, taskId: 'a', outcome: 'succeeded', result: { summary: 'done' }, owner: third, spend: spend(300, 30, 0.3), history: entry(third, 'succeeded', spend(300, 30, 0.3)) });

    const bOwner = await claimed(store, runId, 'b');
    await store.runs.cancel(runId);
    await store.attempts.recordEnded({ runId, taskId: 'b', spend: spend(50, 5, 0.05), history: entry(bOwner, 'cancelled', spend(50, 5, 0.05)) });

    const report = await store.read.report(runId);
    const a = report.tasks.find((t) => t.id === 'a')!;
    expect(a.usage).toEqual({ input: 600, cachedInput: 0, output: 60 });
    expect(a.costUsd).toBeCloseTo(0.6, 9);
    expect(a.attempts).toBe(3);
    expect(a.summary).toBe('done');
    expect(a.history.map((h) => [h.attempt, h.worker, h.status])).toEqual([[1, 'h-0', 'retrying'], [2, 'h-1', 'lost'], [3, 'h-2', 'succeeded']]);
    expect(a.history[0]).toMatchObject({ rounds: [], setup: null, sandbox: null, usage: { input: 100, output: 10 }, costUsd: 0.1 });
    const b = report.tasks.find((t) => t.id === 'b')!;
    expect(b).toMatchObject({ status: 'cancelled', costUsd: 0.05 });
    expect(report.totals.costUsd).toBeCloseTo(0.65, 9);
    expect((await store.read.get(runId)).costUsd).toBeCloseTo(0.65, 9);

    const stats = await store.figures.readStats();
    const tokens = (s: typeof stats, kind: string) => s.tokens.find((t) => t.model === 'm1' && t.kind === kind)?.count ?? 0;
    expect(tokens(stats, 'input') - tokens(statsBefore, 'input')).toBe(650);
    const cost = (s: typeof stats) => s.costUsd.find((c) => c.model === 'm1')?.usd ?? 0;
    expect(cost(stats) - cost(statsBefore)).toBeCloseTo(0.65, 9);
  });

  it('a retrying or ending report from an attempt that lost the task records no state change', async () => {
    const store = open('fenced');
    const runId = makeRunId(new Date());
    await store.runs.submit(plan([task('a', [], { retries: 2 })]), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    const first = await claimed(store, runId, 'a', 'h-0');
    await claimed(store, runId, 'a', 'h-1');
    expect(await store.attempts.retrying({ runId, taskId: 'a', error: { kind: 'timeout', message: 'late' }, owner: first })).toBe(false);
    const r = await store.read.report(runId);
    expect(r.tasks[0]).toMatchObject({ status: 'running', worker: 'h-1', error: null, history: [] });
  });
});

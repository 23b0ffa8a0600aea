// A run that reaches its budget pauses in the same script that recorded the spend (with a
// budget_reached notice), and `fleet budget --raise` resumes it and wakes what waited for it.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { InputError, makeRunId } from '@agentfleet/core';
import type { FleetStore } from '../src/index.js';
import { claimAs as claimed, dropStore, noConfig, plan, task, testStore } from '@agentfleet/testkit';

const stores: FleetStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await dropStore(s);
});

function open(name: string) {
  const s = testStore(name, inject('redisUrl'));
  stores.push(s);
  return s;
}

const spend = (costUsd: number) => ({ provider: 'lan', model: 'm', usage: { input: 100, cachedInput: 0, output: 10 }, costUsd });

describe('run budgets', () => {
  it('pauses the run when a spend reaches its budget, whatever the attempt ended as; raise resumes it and wakes its budget waits', async () => {
    const store = open('budget');
    const runId = makeRunId(new Date());
    const tasks = [task('a', [], { agent: 'llm', retries: 1 }), task('b', [], { agent: 'llm' }), task('c', [], { agent: 'llm' })];
    await store.runs.submit(plan(tasks), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: { ...noConfig, budgets: { perRunUsd: 0.05 } } });
    expect((await store.read.get(runId)).budgetUsd).toBe(0.05);

    // a retried attempt's spend counts too, and it is what crosses the budget
    const a = await claimed(store, runId, 'a');
    await store.attempts.retrying({ runId, taskId: 'a', error: { kind: 'stalled', message: 'quiet' }, owner: a, spend: spend(0.03) });
    expect((await store.read.get(runId)).status).toBe('running');
    const a2 = await claimed(store, runId, 'a');
    await store.attempts.complete({ runId, taskId: 'a', outcome: 'succeeded', result: {}, owner: a2, spend: spend(0.025) });
    const paused = await store.read.get(runId);
    expect(paused).toMatchObject({ status: 'paused', budgetUsd: 0.05 });
    expect(paused.costUsd).toBeCloseTo(0.055, 9);
    const reached = (await store.notices.after('0')).filter((n) => n.type === 'budget_reached');
    expect(reached.map((n) => n.fields)).toEqual([{ runId, costUsd: '0.055', budgetUsd: '0.05' }]);

    // a task that would start now parks for the budget (the worker's gate), holding no job
    const b = await claimed(store, runId, 'b');
    expect((await store.attempts.context(runId, 'b')).run).toMatchObject({ paused: true, budgetUsd: 0.05 });
    await store.waits.park({ runId, taskId: 'b', owner: b, status: 'parked', wait: { kind: 'budget', reason: 'run budget reached' } });
    // not enough: still paused, nothing woken
    const small = await store.runs.raiseBudget(runId, 0.001);
    expect(small).toMatchObject({ status: 'paused', woken: [] });
    expect(small.budgetUsd).toBeCloseTo(0.051, 9);
    const raised = await store.runs.raiseBudget(runId, 1);
    expect(raised.status).toBe('running');
    expect(raised.woken.map((t) => [t.taskId, t.jobSeq])).toEqual([['b', 1]]);
    expect((await store.read.get(runId)).counts).toMatchObject({ parked: 0, queued: 2 });
    // one notice per pause
    expect((await store.notices.after('0')).filter((n) => n.type === 'budget_reached')).toHaveLength(1);
  });

  it('a run without a budget has nothing to raise: one clear message, nothing changed', async () => {
    const store = open('no-budget');
    const runId = makeRunId(new Date());
    await store.runs.submit(plan([task('a')]), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    const err = (await store.runs.raiseBudget(runId, 5).catch((e: unknown) => e)) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/has no budget to raise \(budgets.perRunUsd was not set/);
    expect(await store.redis.hget(store.keys.run(runId), 'budgetUsd')).toBeNull();
    await expect(store.runs.raiseBudget('r20990101-000000-zzzz', 5)).rejects.toThrow(/no run 'r20990101-000000-zzzz'/);
  });
});

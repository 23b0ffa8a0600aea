// Tasks that wait without a slot or a job: parked by their attempt, woken when due or by hand.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { jobIdOf, makeRunId, PROTOCOL_VERSION } from '@agentfleet/core';
import { queueNameFor, type AttemptOwner, type FleetStore } from '../src/index.js';
import { noConfig, plan, task, testStores } from '@agentfleet/testkit';

const stores = testStores(() => inject('redisUrl'));
afterEach(stores.dropAll);
const open = (name: string) => stores.open(name);

async function claimed(store: FleetStore, runId: string, taskId: string): Promise<AttemptOwner> {
  const c = await store.attempts.claim(runId, taskId, 'h', 'h-0');
  if (!c.ok) throw new Error(`claim of ${taskId} failed: ${c.status}`);
  return { host: 'h', worker: 'h-0', attempt: c.attempts, startedAt: c.startedAt };
}

describe('task waits', () => {
  it('a parked task holds no job, is listed with its reason, and goes on with a new job once due', async () => {
    const store = open('park');
    const runId = makeRunId(new Date());
    await store.runs.submit(plan([task('a', [], { retries: 2 }), task('b', ['a'])]), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    const owner = await claimed(store, runId, 'a');
    const until = Date.now() + 300;
    expect(await store.waits.park({ runId, taskId: 'a', owner, status: 'parked', wait: { kind: 'usage_limit', reason: 'claude usage limit', until } })).toBe(true);

    const run = await store.read.get(runId);
    expect(run.counts).toMatchObject({ parked: 1, running: 0, queued: 0, blocked: 1 });
    expect(run.status).toBe('running');
    expect(await store.redis.smembers(store.keys.runInflight(runId))).toEqual([]);
    const [waiting] = await store.waits.list(runId);
    expect(waiting).toMatchObject({ taskId: 'a', status: 'parked', kind: 'usage_limit', reason: 'claude usage limit', until });

    expect((await store.waits.wakeDue(Date.now())).woken).toEqual([]); // not due yet
    await new Promise((r) => setTimeout(r, 350));
    const { woken } = await store.waits.wakeDue();
    expect(woken.map((w) => w.taskId)).toEqual(['a']);
    expect(await store.waits.list(runId)).toEqual([]);
    const after = await store.read.get(runId);
    expect(after.counts).toMatchObject({ parked: 0, queued: 1 });
    // the old job finished under the plain id; the woken task has a job of its own, with its retries left
    const job = await store.queues.get(queueNameFor([], PROTOCOL_VERSION)).getJob(jobIdOf(runId, 'a', 1));
    expect(job?.opts.attempts).toBe(3);
    const report = await store.read.report(runId);
    expect(report.tasks[0]!.attempts).toBe(1);
  });

  it('a parked attempt that lost its task writes nothing; cancel ends waiting tasks and clears their waits', async () => {
    const store = open('park-cancel');
    const runId = makeRunId(new Date());
    await store.runs.submit(plan([task('a'), task('b')]), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    const stale = await claimed(store, runId, 'a');
    await claimed(store, runId, 'a'); // another delivery took over
    expect(await store.waits.park({ runId, taskId: 'a', owner: stale, status: 'parked', wait: { kind: 'budget', reason: 'x' } })).toBe(false);
    const owner = await claimed(store, runId, 'b');
    await store.waits.park({ runId, taskId: 'b', owner, status: 'parked', wait: { kind: 'budget', reason: 'run budget reached' } });
    expect((await store.waits.list(runId)).map((w) => [w.taskId, w.until])).toEqual([['b', null]]);
    expect((await store.waits.wakeDue()).woken).toEqual([]); // no time set: only a command wakes it
    const res = await store.runs.cancel(runId);
    expect(res.status).toBe('cancelled');
    expect(await store.waits.list()).toEqual([]);
    expect((await store.read.get(runId)).counts).toMatchObject({ cancelled: 2, parked: 0 });
    expect(await store.waits.wake(runId, 'b')).toBe(false);
    const notices = await store.notices.after('0');
    expect(notices.map((n) => [n.type, n.fields.status])).toEqual([['run_finished', 'cancelled']]);
  });
});

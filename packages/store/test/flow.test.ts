// Conditional plans in the store: `after: any` edges, a false condition's skip, which failures
// are handled (and so do not fail the run), decisions on approval gates, and plan fragments
// joining a running DAG. The DAG scripts run on a real redis-server.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { makeRunId, MERGE_QUEUE_TASK_ID, type TaskSpec } from '@agentfleet/core';
import { InputError } from '@agentfleet/core';
import type { FleetStore, TaskStatus } from '../src/index.js';
import { claimAs, noConfig, plan, task, testStores } from '@agentfleet/testkit';

const stores = testStores(() => inject('redisUrl'));
afterEach(stores.dropAll);
const open = (name: string) => stores.open(name);

const any = (id: string, deps: string[], anyDeps: string[], extra: Partial<TaskSpec> = {}) => task(id, deps, { anyDeps, ...extra });

async function submit(store: FleetStore, tasks: TaskSpec[]): Promise<string> {
  const runId = makeRunId(new Date());
  await store.runs.submit(plan(tasks), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
  return runId;
}

const claim = (store: FleetStore, runId: string, taskId: string) => claimAs(store, runId, taskId);

async function end(store: FleetStore, runId: string, taskId: string, outcome: 'succeeded' | 'failed') {
  const owner = await claim(store, runId, taskId);
  return store.attempts.complete({ runId, taskId, outcome, result: {}, owner, ...(outcome === 'failed' ? { error: { kind: 'exit_code', message: 'exit code 1' } } : {}) });
}

async function statuses(store: FleetStore, runId: string): Promise<Record<string, TaskStatus>> {
  const r = await store.read.report(runId);
  return Object.fromEntries(r.tasks.map((t) => [t.id, t.status]));
}

/** test -> fix (when test failed, after: any) ; deploy after test (plain) ; join after fix and test (after: any). */
const fixPath = () => [
  task('test'),
  any('fix', ['test'], ['test'], { when: { expression: 'test.failed', names: { test: 'test' } } }),
  task('deploy', ['test']),
  any('join', ['fix', 'test'], ['fix', 'test']),
];

describe('after: any and when', () => {
  it('a failure handled by an after-any dependent that ran does not fail the run; its plain dependents are skipped', async () => {
    const store = open('handled');
    const runId = await submit(store, fixPath());
    const failed = await end(store, runId, 'test', 'failed');
    expect(failed.ready.map((r) => r.taskId)).toEqual(['fix']);
    expect(await statuses(store, runId)).toMatchObject({ test: 'failed', fix: 'queued', deploy: 'skipped', join: 'blocked' });
    const fixed = await end(store, runId, 'fix', 'succeeded');
    expect(fixed.ready.map((r) => r.taskId)).toEqual(['join']);
    const joined = await end(store, runId, 'join', 'succeeded');
    expect(joined.runFinished).toBe('succeeded');
    const report = await store.read.report(runId);
    expect(report.tasks.find((t) => t.id === 'test')).toMatchObject({ status: 'failed', handled: true });
    expect(report.tasks.find((t) => t.id === 'deploy')).toMatchObject({ status: 'skipped', skipReason: 'failure', skippedBecause: 'test' });
  });

  it('a false condition skips the task; after-any dependents still run, plain ones are skipped; the run succeeds', async () => {
    const store = open('condition');
    const runId = await submit(store, [...fixPath(), task('after-fix', ['fix'])]);
    await end(store, runId, 'test', 'succeeded');
    expect(await statuses(store, runId)).toMatchObject({ fix: 'queued', deploy: 'queued' });
    const owner = await claim(store, runId, 'fix');
    const skipped = await store.flow.skip({ runId, taskId: 'fix', owner, message: 'condition false: test.failed' });
    expect(skipped.skipped).toBe(true);
    expect(skipped.ready.map((r) => r.taskId)).toEqual(['join']);
    await end(store, runId, 'deploy', 'succeeded');
    const joined = await end(store, runId, 'join', 'succeeded');
    expect(joined.runFinished).toBe('succeeded');
    const report = await store.read.report(runId);
    expect(report.tasks.find((t) => t.id === 'fix')).toMatchObject({ status: 'skipped', skipReason: 'condition', attempts: 0, error: { kind: 'skipped', message: 'condition false: test.failed' } });
    expect(report.tasks.find((t) => t.id === 'after-fix')).toMatchObject({ status: 'skipped', skipReason: 'condition', skippedBecause: 'fix' });
    // a second delivery of the same skip changes nothing
    expect((await store.flow.skip({ runId, taskId: 'fix', owner, message: 'x' })).skipped).toBe(false);
  });

  it('a failure nobody handled fails the run; a handler that was skipped handles nothing', async () => {
    const store = open('unhandled');
    const runId = await submit(store, [task('test'), any('fix', ['test'], ['test'], { when: { expression: 'test.succeeded', names: { test: 'test' } } })]);
    await end(store, runId, 'test', 'failed');
    const owner = await claim(store, runId, 'fix');
    const skipped = await store.flow.skip({ runId, taskId: 'fix', owner, message: 'condition false' });
    expect(skipped.runFinished).toBe('failed');
    const outcomes = await store.flow.outcomes(runId, ['test', 'fix']);
    expect(outcomes).toEqual({ test: { status: 'failed', review: null, outputs: {} }, fix: { status: 'skipped', review: null, outputs: {} } });
  });

  it('after fleet retry a task still skipped for a failure that was retried keeps the run failed', async () => {
    const store = open('retried');
    const runId = await submit(store, [task('a'), task('b', ['a']), any('c', ['a'], ['a'], { when: { expression: 'a.failed', names: { a: 'a' } } })]);
    await end(store, runId, 'a', 'failed');
    expect((await end(store, runId, 'c', 'succeeded')).runFinished).toBe('succeeded');
    expect((await store.redis.hget(store.keys.run(runId), 'handled'))).toBe('1');
    const retried = await store.runs.retry(runId, 'failed');
    expect(retried.reopened).toEqual(['a']);
    expect((await store.redis.hget(store.keys.run(runId), 'handled'))).toBe('0');
    expect((await end(store, runId, 'a', 'succeeded')).runFinished).toBe('failed');
    expect(await statuses(store, runId)).toEqual({ a: 'succeeded', b: 'skipped', c: 'succeeded' });
  });

  it('a run without conditions keeps the old rule: any skip fails it', async () => {
    const store = open('plain');
    const runId = await submit(store, [task('a'), task('b', ['a'])]);
    const res = await end(store, runId, 'a', 'failed');
    expect(res.runFinished).toBe('failed');
  });

  it('what a dependency wrote to its outputs and its last review verdict are what a when reads', async () => {
    const store = open('outputs');
    const runId = await submit(store, [task('a'), task('b', ['a'])]);
    const owner = await claim(store, runId, 'a');
    await store.attempts.complete({ runId, taskId: 'a', outcome: 'succeeded', owner, result: { outputs: { risk: 'low', n: 2 }, review: [{ round: 1, verdict: 'revise', issues: [] }, { round: 2, verdict: 'approve', issues: [] }] } });
    expect(await store.flow.outcomes(runId, ['a'])).toEqual({ a: { status: 'succeeded', review: 'approve', outputs: { risk: 'low', n: 2 } } });
    expect((await store.read.report(runId)).tasks[0]!.outputs).toEqual({ risk: 'low', n: 2 });
  });
});

describe('approval gates', () => {
  async function gate(store: FleetStore, timeoutMs?: number, onTimeout: 'approve' | 'reject' = 'reject') {
    const runId = await submit(store, [task('impl'), task('ship', ['impl'], { agent: 'approval', approval: { prompt: 'Ship it?', onTimeout, ...(timeoutMs ? { timeoutMs } : {}) } }), task('deploy', ['ship'])]);
    await end(store, runId, 'impl', 'succeeded');
    const owner = await claim(store, runId, 'ship');
    const until = timeoutMs ? Date.now() + timeoutMs : undefined;
    const parked = await store.waits.park({ runId, taskId: 'ship', owner, status: 'awaiting_approval', wait: { kind: 'approval', reason: 'Ship it?', until }, result: { branch: `fleet/${runId}/ship`, commit: 'abc' } });
    expect(parked).toBe(true);
    return runId;
  }

  it('approve releases the dependents and records who, when and the note; a second decision is refused', async () => {
    const store = open('approve');
    const runId = await gate(store);
    const [notice] = (await store.notices.after('0')).filter((n) => n.type === 'approval_needed');
    expect(notice?.fields).toMatchObject({ runId, taskId: 'ship', reason: 'Ship it?', branch: `fleet/${runId}/ship` });
    expect((await store.waits.list(runId)).map((w) => [w.taskId, w.status])).toEqual([['ship', 'awaiting_approval']]);
    const res = await store.approvals.approve(runId, 'ship', { by: 'ana@laptop', note: 'looks good' });
    expect(res.ready.map((r) => r.taskId)).toEqual(['deploy']);
    expect(await store.waits.list(runId)).toEqual([]);
    const ship = (await store.read.report(runId)).tasks.find((t) => t.id === 'ship')!;
    expect(ship).toMatchObject({ status: 'succeeded', commit: 'abc', approval: { decision: 'approve', by: 'ana@laptop', note: 'looks good', timedOut: false } });
    expect(Date.parse(ship.approval!.at)).toBeGreaterThan(Date.now() - 60_000);
    await expect(store.approvals.reject(runId, 'ship', { by: 'bob' })).rejects.toThrow(/is succeeded, not awaiting approval/);
    await expect(store.approvals.approve(runId, 'nope', { by: 'bob' })).rejects.toBeInstanceOf(InputError);
  });

  it('reject fails the gate with kind rejected and skips its dependents; the run fails', async () => {
    const store = open('reject');
    const runId = await gate(store);
    const res = await store.approvals.reject(runId, 'ship', { by: 'bob', note: 'not yet' });
    expect(res.runFinished).toBe('failed');
    const report = await store.read.report(runId);
    expect(report.tasks.find((t) => t.id === 'ship')).toMatchObject({ status: 'failed', error: { kind: 'rejected', message: 'rejected by bob: not yet' } });
    expect(report.tasks.find((t) => t.id === 'deploy')).toMatchObject({ status: 'skipped', skippedBecause: 'ship' });
    expect((await store.notices.after('0')).map((n) => n.type)).toEqual(['approval_needed', 'task_failed', 'run_finished']);
  });

  it('a timeout decides as on_timeout says, only once it is due', async () => {
    const store = open('timeout');
    const runId = await gate(store, 300, 'approve');
    expect(await store.approvals.expire({ runId, taskId: 'ship' })).toBeNull(); // not due yet
    await new Promise((r) => setTimeout(r, 350));
    const { others } = await store.waits.wakeDue();
    expect(others.map((w) => [w.taskId, w.kind])).toEqual([['ship', 'approval']]);
    const res = await store.approvals.expire(others[0]!);
    expect(res?.ready.map((r) => r.taskId)).toEqual(['deploy']);
    const ship = (await store.read.report(runId)).tasks.find((t) => t.id === 'ship')!;
    expect(ship.approval).toMatchObject({ decision: 'approve', by: 'timeout', timedOut: true, note: 'nobody decided within 0s' });
  });
});

describe('plan fragments', () => {
  const frag = (id: string, deps: string[], extra: Partial<TaskSpec> = {}) => task(id, deps, extra);

  it('a fragment joins between its parent and the parent\'s dependents, all at once', async () => {
    const store = open('expand');
    const runId = await submit(store, [task('analysis'), task('plan', ['analysis'], { expands: true }), task('review', ['plan'])]);
    await end(store, runId, 'analysis', 'succeeded');
    const owner = await claim(store, runId, 'plan');
    const tasks = [frag('plan-a', ['plan']), frag('plan-b', ['plan', 'analysis']), frag('plan-c', ['plan-a', 'plan-b'])];
    expect(await store.expansions.expand(runId, 'plan', owner, tasks)).toEqual({ added: 3 });
    expect(await store.expansions.expand(runId, 'plan', owner, tasks)).toEqual({ added: 0, duplicate: true });
    const run = await store.read.get(runId);
    expect(run.total).toBe(6);
    expect(run.counts.blocked).toBe(4);
    const done = await store.attempts.complete({ runId, taskId: 'plan', outcome: 'succeeded', result: {}, owner });
    expect(done.ready.map((r) => r.taskId).sort()).toEqual(['plan-a', 'plan-b']);
    await end(store, runId, 'plan-a', 'succeeded');
    const b = await end(store, runId, 'plan-b', 'succeeded');
    expect(b.ready.map((r) => r.taskId)).toEqual(['plan-c']);
    const c = await end(store, runId, 'plan-c', 'succeeded');
    expect(c.ready.map((r) => r.taskId)).toEqual(['review']);
    const last = await end(store, runId, 'review', 'succeeded');
    expect(last.runFinished).toBe('succeeded');
    const report = await store.read.report(runId);
    expect(report.tasks.map((t) => t.id)).toEqual(['analysis', 'plan', 'plan-a', 'plan-b', 'plan-c', 'review']);
    expect(report.tasks.find((t) => t.id === 'review')!.deps).toEqual(['plan', 'plan-c']);
    expect(report.tasks.find((t) => t.id === 'plan')!.expanded).toBe(3);
    const ctx = await store.attempts.context(runId, 'review');
    expect(ctx.spec.deps).toEqual(['plan', 'plan-c']);
  });

  it('a fragment is listed right after its parent, whether the parent is early (LINSERT) or late (the rest moved) in a long list', async () => {
    const store = open('expand-order');
    const others = ['x1', 'x2', 'x3', 'x4', 'x5'].map((id) => task(id));
    for (const parent of ['a', 'y']) {
      const runId = await submit(store, [task(parent, [], { expands: true }), ...others]);
      const owner = await claim(store, runId, parent);
      await store.expansions.expand(runId, parent, owner, [frag(`${parent}-1`, [parent]), frag(`${parent}-2`, [`${parent}-1`])]);
      const ids = await store.redis.lrange(store.keys.runTasks(runId), 0, -1);
      const at = ids.indexOf(parent);
      expect(ids.slice(at, at + 3), ids.join(',')).toEqual([parent, `${parent}-1`, `${parent}-2`]);
      expect(ids).toHaveLength(8);
    }
  });

  it('the merge queue waits for a fragment\'s tasks too', async () => {
    const store = open('expand-merge-queue');
    const runId = makeRunId(new Date());
    await store.runs.submit(plan([task('plan', [], { expands: true })]), { runId, schedule: 'deps', failFast: false, baseCommit: 'a'.repeat(40), config: noConfig, integrate: 'release' });
    const owner = await claim(store, runId, 'plan');
    await store.expansions.expand(runId, 'plan', owner, [frag('plan-a', ['plan'])]);
    const done = await store.attempts.complete({ runId, taskId: 'plan', outcome: 'succeeded', result: {}, owner });
    expect(done.ready.map((r) => r.taskId)).toEqual(['plan-a']);
    const last = await end(store, runId, 'plan-a', 'succeeded');
    expect(last.ready.map((r) => r.taskId)).toEqual([MERGE_QUEUE_TASK_ID]);
  });

  it('a fragment depending on a task that has not succeeded, or naming a task the run has, is refused whole', async () => {
    const store = open('expand-refused');
    const runId = await submit(store, [task('plan', [], { expands: true }), task('slow')]);
    const owner = await claim(store, runId, 'plan');
    expect(await store.expansions.expand(runId, 'plan', owner, [frag('plan-a', ['plan']), frag('plan-b', ['slow'])])).toEqual({ added: 0, refused: 'the fragment depends on slow, which is queued' });
    expect(await store.expansions.expand(runId, 'plan', owner, [frag('slow', ['plan'])])).toEqual({ added: 0, refused: 'the run has a task slow already' });
    expect((await store.read.get(runId)).total).toBe(2);
    const { existing } = await store.expansions.context(runId);
    expect([...existing]).toEqual([['plan', 'running'], ['slow', 'queued']]);
  });

  it('when the parent fails after its fragment joined, the fragment is skipped with the parent\'s dependents', async () => {
    const store = open('expand-fail');
    const runId = await submit(store, [task('plan', [], { expands: true }), task('after', ['plan'])]);
    const owner = await claim(store, runId, 'plan');
    await store.expansions.expand(runId, 'plan', owner, [frag('plan-a', ['plan'])]);
    const res = await store.attempts.complete({ runId, taskId: 'plan', outcome: 'failed', result: {}, owner, error: { kind: 'push_failed', message: 'x' } });
    expect(res.runFinished).toBe('failed');
    expect(await statuses(store, runId)).toEqual({ plan: 'failed', 'plan-a': 'skipped', after: 'skipped' });
  });
});

describe('notice cursors and host watch', () => {
  it('a cursor only moves forward', async () => {
    const store = open('cursor');
    expect(await store.notices.cursor('w')).toBeNull();
    await store.notices.advance('w', '100-5');
    await store.notices.advance('w', '100-4');
    await store.notices.advance('w', '99-9');
    expect(await store.notices.cursor('w')).toBe('100-5');
    await store.notices.advance('w', '101-0');
    expect(await store.notices.cursor('w')).toBe('101-0');
  });

  it('a host that loses its heartbeat is recorded down once; a clean stop is not', async () => {
    const store = open('hosts');
    const hb = { at: Date.now(), cpu: 0, load1: 0, memory: { used: 0, total: 0 }, diskFree: 0, version: 'x', labels: [], cores: 1, pid: 1, draining: false, acceptingWork: true, notAcceptingReason: null, workers: [] };
    for (const h of ['a', 'b']) {
      await store.hosts.register(h, { labels: [], cores: 1, version: 'x', defaultSlots: 1 });
      await store.hosts.heartbeat(h, hb, 60_000);
    }
    expect(await store.hostWatch.check()).toEqual([]);
    await store.redis.del(store.keys.hostHeartbeat('a')); // a: killed, its heartbeat lapsed
    await store.hosts.clearHeartbeat('b'); // b: stopped cleanly
    expect(await store.hostWatch.check()).toEqual(['a']);
    expect(await store.hostWatch.check()).toEqual([]);
    expect((await store.notices.after('0')).map((n) => [n.type, n.fields.host])).toEqual([['host_down', 'a']]);
  });
});

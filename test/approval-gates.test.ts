// Approval gates as a user runs them: the fleet binary, a host daemon with one slot, a Redis
// of the test's own (AOF) and a real git origin. A gate waits holding no slot, survives Redis
// and the daemon restarting, and `fleet approve|reject` (or its timeout) decides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetStore, RunReport } from '@agentfleet/store';
import { ensureBuilt, g, makeOrigin, removeDir, requireBinaries, runEnded, startUserFleet, tempDir, TestHostd, TestRedis, waitFor, type UserCli, type UserFleet } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
let redis: TestRedis;
let fleet: UserFleet;
let store: FleetStore;
let user: UserCli;
let daemon: TestHostd;
let root: string;
let origin: string;

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  redis = await TestRedis.start(); // its own, AOF on: the test restarts it
  fleet = startUserFleet('gates', redis.url, { slots: 1, ownStore: true });
  ({ store, user, daemon } = fleet);
  root = tempDir('gates');
  origin = makeOrigin(root).repo;
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await fleet.stop();
  await redis.stop();
  removeDir(root);
});

const runIdOf = (stdout: string) => (JSON.parse(stdout) as { runId: string }).runId;

async function awaitingApproval(runId: string, taskId: string): Promise<void> {
  await waitFor(`${taskId} of ${runId} to await approval`, async () => (await store.waits.list(runId)).some((w) => w.taskId === taskId && w.status === 'awaiting_approval'), 60_000, 200);
}

async function report(runId: string): Promise<RunReport> {
  return user.json<RunReport>(['report', runId, '--format', 'json']);
}

describe.runIf(ok)('approval gates', () => {
  it('a gate waits with its branch pushed, holds no slot, survives Redis and the daemon restarting; fleet approve releases its dependents', async () => {
    const plan = user.file(
      'gated.yaml',
      `name: gated\nrepo: { url: "${origin}" }\ndefaults: { agent: shell, retries: 0, estimate: 1s }\ntasks:\n` +
        '  - id: build\n    run: echo v1 > out.txt\n    approval: { prompt: "Ship v1?" }\n' +
        '  - id: deploy\n    deps: [build]\n    run: test "$(cat out.txt)" = v1\n',
    );
    const runId = runIdOf(await user.ok(['run', plan, '--json']));
    await awaitingApproval(runId, 'build');
    // the result is pushed and visible while the gate waits
    expect(g(origin, 'show', `fleet/${runId}/build:out.txt`)).toBe('v1');
    const status = await user.ok(['status', runId]);
    expect(status).toContain(`build: awaits approval — Ship v1?: fleet approve|reject ${runId} build`);

    // the only slot is free: another run goes through meanwhile
    const other = user.file('other.yaml', 'name: other\ndefaults: { agent: shell }\ntasks:\n  - { id: work, run: "sleep 1; echo done" }\n');
    const meanwhile = await user.run(['run', other, '--watch', '--json']);
    expect(meanwhile.code, meanwhile.stderr).toBe(0);

    await redis.restart();
    await daemon.kill();
    daemon.restart();
    await waitFor('the daemon to be back', async () => (await store.hosts.list()).some((h) => h.name === 'h1' && h.up), 30_000, 200);
    const after = await user.json<{ status: string; counts: Record<string, number>; waiting: { taskId: string; status: string; reason: string }[] }>(['status', runId, '--json']);
    expect(after).toMatchObject({ status: 'running', counts: { awaiting_approval: 1, blocked: 1 }, waiting: [{ taskId: 'build', status: 'awaiting_approval', reason: 'Ship v1?' }] });

    expect((await user.ok(['approve', runId, 'build', '--note', 'v1 looks right'])).trim()).toBe(`approved build of ${runId}; 1 task released: deploy`);
    expect(await runEnded(store, runId)).toBe('succeeded');
    const r = await report(runId);
    const build = r.tasks.find((t) => t.id === 'build')!;
    expect(build.approval).toMatchObject({ decision: 'approve', note: 'v1 looks right', timedOut: false });
    expect(build.approval!.by).toMatch(/@/);
    expect(build.history.map((h) => h.status)).toEqual(['awaiting_approval']);
    expect(r.tasks.find((t) => t.id === 'deploy')!.status).toBe('succeeded');
    expect(await user.ok(['report', runId])).toMatch(new RegExp(`## Approvals\\n\\n- \\*\\*build\\*\\* approved by ${build.approval!.by} at .*: v1 looks right`));
  });

  it('fleet reject fails the gate (kind rejected) and skips its dependents; a decided gate cannot be decided again', async () => {
    const plan = user.file(
      'rejected.yaml',
      'name: rejected\ndefaults: { agent: shell, retries: 0 }\ntasks:\n  - { id: build, run: "true" }\n  - { id: ship, agent: approval, deps: [build], approval: { prompt: "Ship?" } }\n  - { id: deploy, deps: [ship], run: "true" }\n  - { id: docs, run: "true" }\n',
    );
    const runId = runIdOf(await user.ok(['run', plan, '--json']));
    await awaitingApproval(runId, 'ship');
    expect((await user.ok(['reject', runId, 'ship', '--note', 'not this week'])).trim()).toBe(`rejected ship of ${runId}; run ${runId} ended failed`);
    const r = await report(runId);
    expect(r.run.status).toBe('failed');
    expect(r.tasks.find((t) => t.id === 'ship')).toMatchObject({ status: 'failed', error: { kind: 'rejected' }, approval: { decision: 'reject', note: 'not this week' } });
    expect(r.tasks.find((t) => t.id === 'ship')!.error!.message).toMatch(/^rejected by .+@.+: not this week$/);
    expect(r.tasks.find((t) => t.id === 'deploy')).toMatchObject({ status: 'skipped', skippedBecause: 'ship' });
    expect(r.tasks.find((t) => t.id === 'docs')!.status).toBe('succeeded');
    const again = await user.run(['approve', runId, 'ship']);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(`task 'ship' of run ${runId} is failed, not awaiting approval`);
    for (const [args, message] of [
      [['approve', runId, 'nope'], `run ${runId} has no task 'nope'`],
      [['approve', 'NOT A RUN', 'ship'], 'not a run id'],
      [['reject', runId, 'Bad Id'], 'not a task id'],
    ] as const) {
      const res = await user.run([...args]);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toContain(message);
    }
  });

  it('a gate with timeout: 2s and on_timeout: reject rejects by itself', async () => {
    const plan = user.file('timeout.yaml', 'name: timeout\ndefaults: { agent: shell, retries: 0 }\ntasks:\n  - { id: gate, agent: approval, approval: { timeout: 2s, on_timeout: reject } }\n  - { id: after, deps: [gate], run: "true" }\n');
    const res = await user.run(['run', plan, '--watch', '--json']);
    expect(res.code).toBe(1);
    const r = await report(runIdOf(res.stdout));
    const gate = r.tasks.find((t) => t.id === 'gate')!;
    expect(gate).toMatchObject({ status: 'failed', error: { kind: 'rejected', message: 'no decision in time: rejected by its timeout: nobody decided within 2s' }, approval: { decision: 'reject', by: 'timeout', timedOut: true } });
    expect(Date.parse(gate.finishedAt!) - Date.parse(gate.startedAt!)).toBeGreaterThanOrEqual(2000);
    expect(r.tasks.find((t) => t.id === 'after')!.status).toBe('skipped');
  });
});

// Git workspaces through the real pipeline: real repositories in /dev/shm, real host daemons.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeRunId, type TaskSpec } from '@agentfleet/core';
import type { FleetStore, RunReport } from '@agentfleet/store';
import { initRepository, showFile, resolveRef } from '@agentfleet/workspace';
import { ensureBuilt, g, noConfig, plan, requireBinaries, runEnded, task, tempDir, TestHostd, testStore } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
const stores: FleetStore[] = [];
const daemons: TestHostd[] = [];
const config = { ...noConfig, git: { author: 'Fleet Bot <bot@example.com>' } };

const sh = (id: string, run: string, deps: string[] = [], extra: Partial<TaskSpec> = {}): TaskSpec => task(id, deps, { title: `task ${id}`, agent: 'shell', run, estimateMs: 1000, ...extra });

async function setup(slots = 2) {
  const store = testStore('ws', inject('redisUrl'));
  stores.push(store);
  const d = new TestHostd({ redisUrl: inject('redisUrl'), prefix: store.prefix, slots });
  daemons.push(d);
  const repo = join(tempDir('origin'), 'repo');
  await initRepository(repo, { 'README.md': 'base\n', 'shared.txt': 'one\ntwo\nthree\n' });
  return { store, repo };
}

async function runPlan(store: FleetStore, repo: string, tasks: TaskSpec[], integrate?: string): Promise<RunReport> {
  const runId = makeRunId(new Date());
  const base = await resolveRef(repo, 'main');
  await store.runs.submit({ ...plan(tasks, 'ws'), repo: { url: repo, ref: 'main' } }, { runId, schedule: 'deps', failFast: false, baseCommit: base, config, integrate });
  await runEnded(store, runId, 90_000);
  return store.read.report(runId);
}

beforeAll(async () => {
  if (ok) await ensureBuilt();
}, 300_000);
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stopAndCleanup(10_000)));
});
afterAll(async () => {
  for (const s of stores) await s.close();
});

describe.runIf(ok)('git workspaces end to end', () => {
  it('a diamond: dependents see their dependencies files, d merges b and c; branches, commits and diff stats are reported; the merge queue merges every result in topological order', async () => {
    const { store, repo } = await setup();
    const report = await runPlan(
      store,
      repo,
      [
        sh('a', 'echo from-a > a.txt'),
        sh('b', 'test -f a.txt && echo from-b > b.txt', ['a']),
        sh('c', 'test -f a.txt && echo from-c > c.txt && echo four >> shared.txt', ['a']),
        sh('d', 'test -f b.txt && test -f c.txt && cat a.txt b.txt c.txt > d.txt', ['b', 'c']),
        sh('solo', 'echo solo > solo.txt', [], { inherit: false }),
      ],
      'integrated',
    );
    expect(report.run.status, JSON.stringify(report.tasks.map((t) => t.error))).toBe('succeeded');
    const d = report.tasks.find((t) => t.id === 'd')!;
    expect(d.branch).toBe(`fleet/${report.run.id}/d`);
    expect(await showFile(repo, d.branch!, 'd.txt')).toBe('from-a\nfrom-b\nfrom-c\n');
    expect(d.diff).toEqual({ files: 1, insertions: 3, deletions: 0 });
    expect(report.tasks.find((t) => t.id === 'c')!.diff).toEqual({ files: 2, insertions: 2, deletions: 0 });
    const author = g(repo, 'log', '-1', '--format=%an <%ae>|%s', d.commit!);
    expect(author).toBe(`Fleet Bot <bot@example.com>|fleet: ${report.run.id}/d: task d`);
    // The merge queue ran as the run's last task: every result in topological order.
    expect(report.tasks.at(-1)).toMatchObject({ id: 'merge-queue', status: 'succeeded', branch: 'integrated', commit: report.integration!.commit });
    expect(report.integration).toMatchObject({ branch: 'integrated', conflicts: [] });
    expect(report.integration!.merged).toEqual(['a', 'solo', 'b', 'c', 'd']);
    expect(await showFile(repo, 'integrated', 'd.txt')).toBe('from-a\nfrom-b\nfrom-c\n');
    expect(await showFile(repo, 'integrated', 'solo.txt')).toBe('solo\n');
    expect(await showFile(repo, `fleet/${report.run.id}/solo`, 'a.txt')).toBeNull(); // inherit:false started from the base
  });

  it('a merge conflict fails the dependent with kind merge_conflict naming the paths; the base never moves during a run', async () => {
    const { store, repo } = await setup(1);
    // `x` moves main while the run goes on; later tasks must still start from the submitted base.
    const report = await runPlan(store, repo, [
      sh('left', 'echo left > shared.txt'),
      sh('right', 'echo right > shared.txt'),
      sh('merge', 'true', ['left', 'right']),
      // it reaches the repository outside its workspace: unconfined, written out
      sh('mover', `git -C ${repo} -c user.name=x -c user.email=x@y commit -q --allow-empty -m moved && echo moved`, ['left'], { sandbox: 'none' }),
      sh('late', 'test "$(cat README.md)" = base', ['mover']),
    ]);
    const merge = report.tasks.find((t) => t.id === 'merge')!;
    expect(merge.status).toBe('failed');
    expect(merge.error).toMatchObject({ kind: 'merge_conflict' });
    expect(merge.error!.message).toContain('shared.txt');
    expect(merge.attempts).toBe(1); // a conflict is not retried
    expect(report.tasks.find((t) => t.id === 'late')!.status).toBe('succeeded');
    const lateBase = g(repo, 'rev-list', '--max-parents=0', report.tasks.find((t) => t.id === 'late')!.commit!);
    expect(lateBase).toBe(report.run.baseCommit);
    expect(await resolveRef(repo, 'main')).not.toBe(report.run.baseCommit);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlotWorkspace, mirrorDir, runJanitor } from '@agentfleet/workspace';
import { acquireLock } from '../src/lock.js';
import { AUTHOR, g, makeOrigin, removeDir, tempDir, writeFiles } from '@agentfleet/testkit';

let root: string;
let home: string;
let origin: { repo: string; sha: string };

beforeEach(() => {
  root = tempDir('ws-janitor');
  home = join(root, 'home');
  origin = makeOrigin(root);
});
afterEach(() => removeDir(root));

const deadPid = () => spawnSync('true').pid!;

function prepareReq(taskId: string) {
  return { runId: 'rj', taskId, jobId: `rj.${taskId}`, title: taskId, repoUrl: origin.repo, baseCommit: origin.sha, deps: [], clean: 'all' as const };
}

/** A slot whose worker died mid-task: work committed and uncommitted, lock held by a dead pid. */
async function abandonedSlot(slot: string, taskId: string): Promise<string> {
  const ws = new SlotWorkspace({ home, slot, author: AUTHOR });
  const prep = await ws.prepare(prepareReq(taskId));
  writeFiles(prep.dir, { 'done.txt': 'committed work\n' });
  g(prep.dir, 'add', '-A');
  g(prep.dir, 'commit', '-q', '-m', 'agent commit');
  writeFiles(prep.dir, { 'draft.txt': 'uncommitted work\n' });
  writeFileSync(join(home, 'slots', slot, 'lock'), JSON.stringify({ pid: deadPid(), host: hostname(), token: 'dead', at: '' }));
  return prep.dir;
}

/** A slot as releases before per-slot repositories left it: a worktree linked to the mirror, holding work. */
async function oldLayoutSlot(slot: string, taskId: string): Promise<string> {
  const ws = new SlotWorkspace({ home, slot: 'maker', author: AUTHOR });
  await ws.prepare(prepareReq('maker'));
  await ws.release();
  const mirror = mirrorDir(home, origin.repo);
  const wt = join(home, 'slots', slot, 'wt');
  g(mirror, 'worktree', 'add', '-q', '--detach', wt, origin.sha);
  writeFileSync(join(home, 'slots', slot, 'state.json'), JSON.stringify({ phase: 'ready', runId: 'rj', taskId, jobId: `rj.${taskId}`, base: origin.sha, at: '' }));
  writeFiles(wt, { 'done.txt': 'committed work\n' });
  g(wt, 'add', '-A');
  g(wt, 'commit', '-q', '-m', 'agent commit');
  writeFiles(wt, { 'draft.txt': 'uncommitted work\n' });
  rmSync(join(home, 'slots', 'maker'), { recursive: true, force: true });
  return mirror;
}

describe('runJanitor', () => {
  it('never deletes unpushed work: pushes it to fleet/rescue/... before removing an unused slot', async () => {
    const wt = await abandonedSlot('local-1', 'lost');
    const report = await runJanitor({ home, slotIdleMs: 0, mirrorIdleMs: 0 });
    expect(report.errors).toEqual([]);
    expect(report.rescued).toHaveLength(1);
    const branch = report.rescued[0]!.branch;
    expect(branch).toMatch(/^fleet\/rescue\/rj\/lost\//);
    expect(g(origin.repo, 'show', `${branch}:done.txt`)).toBe('committed work');
    expect(g(origin.repo, 'show', `${branch}:draft.txt`)).toBe('uncommitted work');
    expect(report.slotsRemoved).toEqual(['local-1']);
    expect(existsSync(wt)).toBe(false);
    // Nothing uses the mirror any more, and all it held is on the remote: it goes too.
    expect(report.mirrorsRemoved).toEqual([mirrorDir(home, origin.repo)]);
  });

  it('keeps the worktree and the mirror when unpushed work cannot be pushed', async () => {
    const wt = await abandonedSlot('local-1', 'lost');
    const away = join(root, 'origin-away');
    renameSync(origin.repo, away); // the remote is unreachable
    const report = await runJanitor({ home, slotIdleMs: 0, mirrorIdleMs: 0 });
    expect(report.rescued).toEqual([]);
    expect(report.unpushed).toHaveLength(1);
    expect(report.slotsKept).toEqual([{ slot: 'local-1', reason: 'holds work that could not be pushed' }]);
    expect(report.slotsRemoved).toEqual([]);
    expect(report.mirrorsRemoved).toEqual([]);
    expect(g(wt, 'show', 'HEAD:draft.txt')).toBe('uncommitted work');
    // Once the remote is back, the next round pushes it and cleans up.
    renameSync(away, origin.repo);
    const again = await runJanitor({ home, slotIdleMs: 0, mirrorIdleMs: 0 });
    expect(again.rescued).toHaveLength(1);
    expect(g(origin.repo, 'show', `${again.rescued[0]!.branch}:done.txt`)).toBe('committed work');
    expect(again.slotsRemoved).toEqual(['local-1']);
  });

  it('keeps commits only held by a branch an agent created in its slot repository', async () => {
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const prep = await ws.prepare(prepareReq('brancher'));
    g(prep.dir, 'checkout', '-q', '-b', 'agent-branch');
    writeFiles(prep.dir, { 'side.txt': 'on a side branch\n' });
    g(prep.dir, 'add', '-A');
    g(prep.dir, 'commit', '-q', '-m', 'side work');
    g(prep.dir, 'checkout', '-q', '--detach', origin.sha);
    const p = await ws.publish({ runId: 'rj', taskId: 'brancher', title: 'b', pushUrl: origin.repo, base: prep.base });
    await ws.release();
    expect(p.commit).toBe(origin.sha);
    const report = await runJanitor({ home, slotIdleMs: 0, mirrorIdleMs: 0 });
    const rescued = report.rescued.find((r) => r.branch.startsWith('fleet/rescue/local/agent-branch/'));
    expect(rescued).toBeDefined();
    expect(g(origin.repo, 'show', `${rescued!.branch}:side.txt`)).toBe('on a side branch');
  });

  it('keeps the commits of a linked worktree (the layout before slot repositories) whose directory was deleted by hand', async () => {
    const mirror = await oldLayoutSlot('local-1', 'gone');
    rmSync(join(home, 'slots', 'local-1'), { recursive: true, force: true });
    const report = await runJanitor({ home, slotIdleMs: 0, mirrorIdleMs: 0 });
    expect(report.rescued).toHaveLength(1);
    expect(g(origin.repo, 'show', `${report.rescued[0]!.branch}:done.txt`)).toBe('committed work');
    expect(existsSync(join(mirror, 'worktrees'))).toBe(false);
  });

  it('a slot of the old layout (a linked worktree) becomes a slot repository on its next task, its unpublished work kept', async () => {
    const mirror = await oldLayoutSlot('local-1', 'old');
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const prep = await ws.prepare(prepareReq('new'));
    expect(readFileSync(join(prep.dir, '.git', 'objects', 'info', 'alternates'), 'utf8')).toBe(`${mirror}/objects\n`);
    expect(g(prep.dir, 'status', '--porcelain')).toBe('');
    await ws.release();
    const report = await runJanitor({ home, inUse: new Set(['local-1']) });
    expect(report.rescued).toHaveLength(1);
    expect(g(origin.repo, 'show', `${report.rescued[0]!.branch}:done.txt`)).toBe('committed work');
    expect(g(origin.repo, 'show', `${report.rescued[0]!.branch}:draft.txt`)).toBe('uncommitted work');
  });

  it('leaves slots in use, locked by a live process, or recently used; removes clean idle ones', async () => {
    const live = new SlotWorkspace({ home, slot: 'busy', author: AUTHOR });
    await live.prepare(prepareReq('a'));
    const idle = new SlotWorkspace({ home, slot: 'idle', author: AUTHOR });
    const p = await idle.prepare(prepareReq('b'));
    await idle.publish({ runId: 'rj', taskId: 'b', title: 'b', pushUrl: origin.repo, base: p.base });
    await idle.release();
    const used = new SlotWorkspace({ home, slot: 'used', author: AUTHOR });
    await used.prepare(prepareReq('c'));
    await used.release();

    const recent = await runJanitor({ home });
    expect(recent.slotsRemoved).toEqual([]);
    expect(recent.mirrorsRemoved).toEqual([]);
    const report = await runJanitor({ home, slotIdleMs: 0, mirrorIdleMs: 0, inUse: new Set(['used']) });
    expect(report.slotsKept).toContainEqual({ slot: 'busy', reason: `locked by pid ${process.pid}` });
    expect(report.slotsKept).toContainEqual({ slot: 'used', reason: 'in use' });
    expect(report.slotsRemoved).toEqual(['idle']);
    expect(report.rescued).toEqual([]); // the published slot held nothing unpushed
    expect(report.mirrorsKept[0]?.reason).toBe('used by a slot');
    await live.release();
  });
});

describe('inter-process lock', () => {
  it('takes over a lock whose holder died, and names a live holder', async () => {
    const file = join(root, 'x.lock');
    writeFileSync(file, JSON.stringify({ pid: deadPid(), host: hostname(), token: 't', at: '' }));
    const lock = await acquireLock(file, { waitMs: 0 });
    expect(lock.tookOverFrom).toBeGreaterThan(0);
    await expect(acquireLock(file, { waitMs: 50, purpose: 'test' })).rejects.toThrow(`held by pid ${process.pid}`);
    lock.release();
    expect(existsSync(file)).toBe(false);
  });
});

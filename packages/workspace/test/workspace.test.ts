import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FleetError } from '@agentfleet/core';
import { SlotWorkspace, MergeQueueBranch, commitMerge, containsCommit, headOf, mirrorDir, resetTo, resolveRef, diskFree, startMerge, type PrepareRequest } from '@agentfleet/workspace';
import { AUTHOR, commit, g, makeOrigin, removeDir, tempDir, writeFiles } from '@agentfleet/testkit';

let root: string;
let home: string;
let origin: { repo: string; sha: string };
const run = 'r1';

beforeEach(() => {
  root = tempDir('ws-slot');
  home = join(root, 'home');
  origin = makeOrigin(root, { 'README.md': 'hello\n', 'src/app.ts': 'export const a = 1;\n', '.gitignore': 'node_modules/\n*.log\n' });
});
afterEach(() => removeDir(root));

function req(taskId: string, over: Partial<PrepareRequest> = {}): PrepareRequest {
  return { runId: run, taskId, jobId: `${run}.${taskId}`, title: `task ${taskId}`, repoUrl: origin.repo, baseCommit: origin.sha, deps: [], clean: 'all', ...over };
}

/** Runs one task on a slot: prepare, let `work` edit the worktree, publish, release. */
async function task(ws: SlotWorkspace, taskId: string, files: Record<string, string>, over: Partial<PrepareRequest> = {}) {
  const prep = await ws.prepare(req(taskId, over));
  writeFiles(prep.dir, files);
  const res = await ws.publish({ runId: run, taskId, title: `task ${taskId}`, pushUrl: over.pushUrl ?? origin.repo, base: prep.base });
  await ws.release();
  return { ...res, base: prep.base, dir: prep.dir };
}

describe('SlotWorkspace', () => {
  it('a dependent sees its dependency\'s file; the result branch and diff stat are right', async () => {
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const a = await task(ws, 'a', { 'a.txt': 'from a\n' });
    expect(a.branch).toBe('fleet/r1/a');
    expect(g(origin.repo, 'rev-parse', 'fleet/r1/a')).toBe(a.commit);
    expect(a.diff).toEqual({ files: 1, insertions: 1, deletions: 0 });
    expect(g(origin.repo, 'log', '-1', '--format=%an <%ae>|%s', a.commit)).toBe(`${AUTHOR}|fleet: r1/a: task a`);

    const prep = await ws.prepare(req('b', { deps: [{ taskId: 'a', commit: a.commit }] }));
    expect(readFileSync(join(prep.dir, 'a.txt'), 'utf8')).toBe('from a\n');
    expect(prep.base).toBe(a.commit); // fast-forward: no merge commit
    await ws.release();
  });

  it('a diamond (b and c on a, d on b and c) merges both', async () => {
    const ws1 = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const ws2 = new SlotWorkspace({ home, slot: 'local-2', author: AUTHOR });
    const a = await task(ws1, 'a', { 'a.txt': 'a\n' });
    const b = await task(ws1, 'b', { 'b.txt': 'b\n' }, { deps: [{ taskId: 'a', commit: a.commit }] });
    const c = await task(ws2, 'c', { 'c.txt': 'c\n' }, { deps: [{ taskId: 'a', commit: a.commit }] });
    const d = await ws2.prepare(req('d', { deps: [{ taskId: 'b', commit: b.commit }, { taskId: 'c', commit: c.commit }] }));
    for (const f of ['a.txt', 'b.txt', 'c.txt']) expect(existsSync(join(d.dir, f))).toBe(true);
    expect(g(d.dir, 'rev-list', '--parents', '-1', 'HEAD').split(' ')).toHaveLength(3); // a merge commit
    expect(g(d.dir, 'status', '--porcelain')).toBe('');
    await ws2.release();
  });

  it('a conflict fails with merge_conflict naming the paths, and leaves the slot usable', async () => {
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const b = await task(ws, 'b', { 'src/app.ts': 'export const a = 2;\n' });
    const c = await task(ws, 'c', { 'src/app.ts': 'export const a = 3;\n', 'c.txt': 'c\n' });
    const err = await ws.prepare(req('d', { deps: [{ taskId: 'b', commit: b.commit }, { taskId: 'c', commit: c.commit }] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).kind).toBe('merge_conflict');
    expect((err as FleetError).message).toContain('src/app.ts');
    expect((err as FleetError).message).toContain('c');
    expect((err as FleetError).details.paths).toEqual(['src/app.ts']);
    await ws.release();
    const next = await ws.prepare(req('e'));
    expect(g(next.dir, 'status', '--porcelain', '--ignored')).toBe('');
    expect(g(next.dir, 'rev-parse', 'HEAD')).toBe(origin.sha);
    expect(readFileSync(join(next.dir, 'src/app.ts'), 'utf8')).toBe('export const a = 1;\n');
    await ws.release();
  });

  it('inherit: false (no deps) starts from the base alone', async () => {
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    await task(ws, 'a', { 'a.txt': 'a\n' });
    const prep = await ws.prepare(req('b', { deps: [] }));
    expect(existsSync(join(prep.dir, 'a.txt'))).toBe(false);
    expect(prep.base).toBe(origin.sha);
    await ws.release();
  });

  it('a retried task replaces its branch (force-with-lease), also from another host', async () => {
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const first = await task(ws, 'a', { 'a.txt': 'attempt 1\n' });
    const second = await task(ws, 'a', { 'a.txt': 'attempt 2\n' });
    expect(second.commit).not.toBe(first.commit);
    expect(g(origin.repo, 'rev-parse', 'fleet/r1/a')).toBe(second.commit);
    expect(g(origin.repo, 'show', 'fleet/r1/a:a.txt')).toBe('attempt 2');
    // A third attempt on another host (its own home and mirror) that never saw the others.
    const other = new SlotWorkspace({ home: join(root, 'home2'), slot: 'm-1', author: AUTHOR });
    const third = await task(other, 'a', { 'a.txt': 'attempt 3\n' });
    expect(g(origin.repo, 'show', 'fleet/r1/a:a.txt')).toBe('attempt 3');
    expect(third.diff).toEqual({ files: 1, insertions: 1, deletions: 0 });
    // Publishing the same commit again is a no-op, not an error.
    const again = await other.prepare(req('z'));
    await other.publish({ runId: run, taskId: 'z', title: 'z', pushUrl: origin.repo, base: again.base });
    await other.publish({ runId: run, taskId: 'z', title: 'z', pushUrl: origin.repo, base: again.base });
    await other.release();
  });

  it('fetches dependency results pushed by another host from the push URL', async () => {
    const results = join(root, 'results.git');
    g(root, 'init', '-q', '--bare', results);
    const hostA = new SlotWorkspace({ home: join(root, 'hostA'), slot: 's1', author: AUTHOR });
    const hostB = new SlotWorkspace({ home: join(root, 'hostB'), slot: 's1', author: AUTHOR });
    await hostB.prepare(req('warm')); // hostB's mirror exists before a's result does
    await hostB.release();
    const a = await task(hostA, 'a', { 'a.txt': 'a\n' }, { pushUrl: `file://${results}` });
    expect(g(origin.repo, 'branch', '--list', 'fleet/*')).toBe('');
    const b = await hostB.prepare(req('b', { pushUrl: `file://${results}`, deps: [{ taskId: 'a', commit: a.commit }] }));
    expect(readFileSync(join(b.dir, 'a.txt'), 'utf8')).toBe('a\n');
    await hostB.release();
  });

  it('clean=keep-ignored keeps an ignored node_modules; clean=all removes it; untracked files go in both', async () => {
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    let prep = await ws.prepare(req('a', { clean: 'keep-ignored' }));
    writeFiles(prep.dir, { 'node_modules/dep/index.js': 'module.exports = 1;\n', 'debug.log': 'x' });
    await ws.release(); // task failed: nothing published; ignored files are not work
    prep = await ws.prepare(req('b', { clean: 'keep-ignored' }));
    expect(existsSync(join(prep.dir, 'node_modules/dep/index.js'))).toBe(true);
    writeFiles(prep.dir, { 'stray.txt': 'untracked\n' });
    await ws.publish({ runId: run, taskId: 'b', title: 'b', pushUrl: origin.repo, base: prep.base });
    await ws.release();
    writeFileSync(join(prep.dir, 'leftover.txt'), 'x'); // changed after publish: not work of any task
    prep = await ws.prepare(req('c', { clean: 'keep-ignored' }));
    expect(existsSync(join(prep.dir, 'node_modules/dep/index.js'))).toBe(true);
    expect(existsSync(join(prep.dir, 'stray.txt'))).toBe(false);
    expect(existsSync(join(prep.dir, 'leftover.txt'))).toBe(false);
    await ws.release();
    prep = await ws.prepare(req('d', { clean: 'all' }));
    expect(existsSync(join(prep.dir, 'node_modules'))).toBe(false);
    await ws.release();
  });

  it('a slot has its own repository borrowing the mirror\'s objects; its commits reach the mirror only when published; one mirror per URL; file:// works', async () => {
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const prep = await ws.prepare(req('a', { repoUrl: `file://${origin.repo}` }));
    const mirror = mirrorDir(home, `file://${origin.repo}`);
    expect(prep.dir).toBe(join(home, 'slots', 'local-1', 'wt'));
    expect(readFileSync(join(prep.dir, '.git', 'objects', 'info', 'alternates'), 'utf8')).toBe(`${mirror}/objects\n`);
    expect(g(prep.dir, 'rev-parse', '--absolute-git-dir')).toBe(join(prep.dir, '.git'));
    expect(g(mirror, 'worktree', 'list', '--porcelain')).toBe(`worktree ${mirror}\nbare`);
    // an agent's own commit lives in the slot only
    writeFiles(prep.dir, { 'mine.txt': 'mine\n' });
    g(prep.dir, 'add', 'mine.txt');
    g(prep.dir, 'commit', '-q', '-m', 'agent commit');
    const agentCommit = g(prep.dir, 'rev-parse', 'HEAD');
    expect(() => g(mirror, 'cat-file', '-e', agentCommit)).toThrow();
    const res = await ws.publish({ runId: run, taskId: 'a', title: 'a', pushUrl: origin.repo, base: prep.base });
    expect(g(mirror, 'rev-parse', 'refs/remotes/results/fleet/r1/a')).toBe(res.commit);
    g(mirror, 'cat-file', '-e', agentCommit);
    await ws.release();
    const again = await ws.prepare(req('b', { repoUrl: `file://${origin.repo}` }));
    expect(readdirSync(join(home, 'mirrors')).filter((n) => n.endsWith('.git'))).toEqual([mirror.split('/').pop()]);
    expect(again.dir).toBe(prep.dir);
    await ws.release();
  });

  it('what a task process does to the slot\'s .git never runs as the worker: hooks, config and redirections are undone before the worker\'s git', async () => {
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const prep = await ws.prepare(req('a'));
    const ran = join(root, 'hook-ran');
    const evil = `#!/bin/sh\ntouch ${ran}\n`;
    writeFiles(prep.dir, { '.git/hooks/pre-commit': evil, '.git/hooks/post-checkout': evil, 'evil/config': `[core]\n\tfsmonitor = touch ${ran}\n`, 'work.txt': 'the task\'s work\n' });
    for (const h of ['pre-commit', 'post-checkout']) chmodSync(join(prep.dir, '.git/hooks', h), 0o755);
    g(prep.dir, 'config', 'core.fsmonitor', `touch ${ran}`);
    g(prep.dir, 'config', 'core.hooksPath', join(prep.dir, '.git/hooks'));
    writeFileSync(join(prep.dir, '.git/commondir'), '../evil\n');
    writeFileSync(join(prep.dir, '.git/objects/info/alternates'), '/etc\n');
    const res = await ws.publish({ runId: run, taskId: 'a', title: 'a', pushUrl: origin.repo, base: prep.base });
    await ws.release();
    expect(existsSync(ran)).toBe(false);
    expect(g(origin.repo, 'show', `${res.branch}:work.txt`)).toBe("the task's work");
    expect(g(prep.dir, 'config', '--default', 'none', '--get', 'core.fsmonitor')).toBe('none');
    // a .git replaced by a file pointing elsewhere: rebuilt at the base, the task's files kept and published
    const next = await ws.prepare(req('b'));
    rmSync(join(next.dir, '.git'), { recursive: true });
    writeFiles(next.dir, { '.git': 'gitdir: ../evil\n', 'more.txt': 'more\n' });
    const res2 = await ws.publish({ runId: run, taskId: 'b', title: 'b', pushUrl: origin.repo, base: next.base });
    await ws.release();
    expect(existsSync(ran)).toBe(false);
    expect(g(origin.repo, 'show', `${res2.branch}:more.txt`)).toBe('more');
    expect(g(origin.repo, 'rev-parse', `${res2.branch}~1`)).toBe(origin.sha);
  });

  it('changedSince sees new, modified and deleted files, and ignores .git', async () => {
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const prep = await ws.prepare(req('a'));
    const t0 = Date.now() + 20;
    await new Promise((r) => setTimeout(r, 40));
    expect(await ws.changedSince(t0)).toBe(false);
    g(prep.dir, 'status'); // git touching its own dir is not progress
    expect(await ws.changedSince(t0)).toBe(false);
    writeFileSync(join(prep.dir, 'src/app.ts'), 'changed');
    expect(await ws.changedSince(t0)).toBe(true);
    await ws.release();
  });

  it('resolveRef gives a fixed commit that does not move when the branch moves', async () => {
    const sha = await resolveRef(origin.repo, 'main');
    expect(sha).toBe(origin.sha);
    g(origin.repo, 'tag', '-a', 'v1', '-m', 'v1');
    const moved = commit(origin.repo, { 'new.txt': 'later\n' });
    expect(await resolveRef(origin.repo, 'main')).toBe(moved);
    expect(await resolveRef(`file://${origin.repo}`, 'v1')).toBe(origin.sha); // annotated tag peeled
    expect(await resolveRef(origin.repo, 'refs/heads/main')).toBe(moved);
    expect(await resolveRef(origin.repo, origin.sha.slice(0, 10), { home })).toBe(origin.sha);
    await expect(resolveRef(origin.repo, 'nope')).rejects.toThrow(`'nope' not found in ${origin.repo}`);
    await expect(resolveRef(join(root, 'missing'), 'main')).rejects.toThrow(join(root, 'missing'));
    // The task prepared from the submitted commit does not see the later commit.
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const prep = await ws.prepare(req('a', { baseCommit: sha }));
    expect(existsSync(join(prep.dir, 'new.txt'))).toBe(false);
    await ws.release();
  });

  it('merge queue steps: a result merges or is contained already; a conflict stays for a resolver or is dropped; the branch is pushed on its lease', async () => {
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const b = await task(ws, 'b', { 'b.txt': 'b\n', 'src/app.ts': 'export const a = 2;\n' });
    const c = await task(ws, 'c', { 'c.txt': 'c\n' }, { deps: [{ taskId: 'b', commit: b.commit }] });
    const d = await task(ws, 'd', { 'src/app.ts': 'export const a = 4;\n' });
    const results = [b, c, d].map((r, i) => ({ taskId: ['b', 'c', 'd'][i]!, commit: r.commit }));
    const branch = await MergeQueueBranch.open({ home, repoUrl: origin.repo, pushUrl: origin.repo, branch: 'integration', runId: run, base: origin.sha, results });
    expect(branch.tip).toBeUndefined();
    expect(branch.start).toBe(origin.sha);
    const prep = await ws.prepare(req('merge-queue', { baseCommit: branch.start }));
    expect(await startMerge(prep.dir, results[1]!, 'merge c', AUTHOR)).toBeNull(); // c holds b
    expect(await containsCommit(prep.dir, b.commit)).toBe(true);
    const before = await headOf(prep.dir);
    const conflict = await startMerge(prep.dir, results[2]!, 'merge d', AUTHOR);
    expect(conflict).toEqual({ conflict: ['src/app.ts'] });
    expect(await commitMerge(prep.dir, ['src/app.ts'], AUTHOR, [])).toEqual({ unresolved: ['src/app.ts'] }); // markers left
    writeFileSync(join(prep.dir, 'src/app.ts'), 'export const a = 6;\n');
    expect(await commitMerge(prep.dir, ['src/app.ts'], AUTHOR, [])).toEqual({ unresolved: [] });
    expect(g(prep.dir, 'rev-list', '--parents', '-1', 'HEAD').split(' ')).toHaveLength(3);
    await resetTo(prep.dir, before, []);
    expect(await headOf(prep.dir)).toBe(before);
    await branch.push(before, prep.dir);
    ws.settle();
    await ws.release();
    expect(g(origin.repo, 'rev-parse', 'integration')).toBe(before);
    expect(g(origin.repo, 'show', 'integration:c.txt')).toBe('c');
    // The next queue starts at the branch's tip; a push over a branch moved meanwhile is refused.
    const again = await MergeQueueBranch.open({ home, repoUrl: origin.repo, pushUrl: origin.repo, branch: 'integration', runId: run, base: origin.sha, results });
    expect(again.start).toBe(before);
    g(origin.repo, 'branch', '-f', 'integration', d.commit);
    await expect(again.push(origin.sha, prep.dir)).rejects.toMatchObject({ kind: 'push_failed' });
  });

  it('kept paths: keep survives the clean between tasks, never-committed paths stay out of results and salvage even when .gitignore un-ignores them', async () => {
    commit(origin.repo, { '.gitignore': '!.env\n', 'package-lock.json': '{"v":1}\n' }, 'un-ignore');
    const base = g(origin.repo, 'rev-parse', 'HEAD');
    const kept = { keep: ['node_modules'], neverCommit: ['node_modules', '.env'] };
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const prep = await ws.prepare(req('a', { baseCommit: base, kept }));
    expect(await ws.tracked(['.env', 'package-lock.json', 'src'])).toEqual(['package-lock.json', 'src']);
    const first = await ws.setupState({ run: 'npm ci', key: ['package-lock.json'] });
    expect(first.holds).toBe(false);
    writeFiles(prep.dir, { 'node_modules/x/index.js': 'x\n', '.env': 'TOKEN=1\n', 'out.txt': 'work\n', 'stray.log': 'log\n' });
    ws.setupEnded(first.key, true);
    expect(readFileSync(join(ws.path, 'exclude'), 'utf8')).toBe('/node_modules\n/.env\n');
    const a = await ws.publish({ runId: run, taskId: 'a', title: 'a', pushUrl: origin.repo, base });
    await ws.release();
    expect(g(origin.repo, 'ls-tree', '-r', '--name-only', a.commit).split('\n').sort()).toEqual(['.gitignore', 'README.md', 'out.txt', 'package-lock.json', 'src/app.ts', 'stray.log']);

    const next = await ws.prepare(req('b', { baseCommit: base, kept }));
    expect(existsSync(join(next.dir, 'node_modules/x/index.js'))).toBe(true); // kept
    expect(existsSync(join(next.dir, 'out.txt'))).toBe(false); // cleaned as before
    expect(existsSync(join(next.dir, '.env'))).toBe(false); // host files are copied in anew
    expect((await ws.setupState({ run: 'npm ci', key: ['package-lock.json'] })).holds).toBe(true);
    expect((await ws.setupState({ run: 'npm install', key: ['package-lock.json'] })).holds).toBe(false);
    writeFiles(next.dir, { '.env': 'TOKEN=2\n', 'left.txt': 'unpublished\n' });
    await ws.release(); // salvages left.txt, never .env or node_modules
    const mirror = mirrorDir(home, origin.repo);
    const files = g(mirror, 'ls-tree', '-r', '--name-only', g(mirror, 'for-each-ref', '--format=%(objectname)', 'refs/agentfleet/unpushed/'));
    expect(files).toContain('left.txt');
    expect(files).not.toContain('.env');
    expect(files).not.toContain('node_modules');

    // A lock file change at the base: the setup no longer holds.
    const changed = commit(origin.repo, { 'package-lock.json': '{"v":2}\n' }, 'lock');
    await ws.prepare(req('c', { baseCommit: changed, kept }));
    expect((await ws.setupState({ run: 'npm ci', key: ['package-lock.json'] })).holds).toBe(false);
    await ws.release();
  });

  it('a result that commits a host file is refused, never pushed', async () => {
    const kept = { keep: [], neverCommit: ['.env'] };
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const prep = await ws.prepare(req('a', { kept }));
    writeFiles(prep.dir, { '.env': 'TOKEN=1\n' });
    g(prep.dir, 'add', '-f', '.env');
    g(prep.dir, 'commit', '-q', '-m', 'oops');
    await expect(ws.publish({ runId: run, taskId: 'a', title: 'a', pushUrl: origin.repo, base: prep.base })).rejects.toThrow(/its commits hold host files \(\.env\)/);
    await ws.release();
    expect(() => g(origin.repo, 'rev-parse', '--verify', 'fleet/r1/a')).toThrow();
    // Its commit was undone; what is left is the host file alone, which salvage leaves out: nothing kept.
    expect(g(mirrorDir(home, origin.repo), 'for-each-ref', 'refs/agentfleet/unpushed/')).toBe('');
  });

  it('rejects bad input with clear errors; diskFree reports bytes', async () => {
    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    await expect(ws.prepare(req('Bad Id'))).rejects.toThrow(/invalid task id/);
    await expect(ws.prepare(req('a', { baseCommit: 'main' }))).rejects.toThrow(/not a full commit id/);
    await expect(ws.prepare(req('a', { baseCommit: 'f'.repeat(40) }))).rejects.toThrow(/not found in/);
    expect(() => new SlotWorkspace({ home, slot: 'x', author: 'nobody' })).toThrow(/Name <email>/);
    mkdirSync(home, { recursive: true });
    expect(await diskFree(home)).toBeGreaterThan(0);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FleetError, branchOf } from '@agentfleet/core';
import { authorEnv, git, parseAuthor } from './git.js';
import { addAllArgs, cleanArgs } from './kept-paths.js';
import { headOf } from './merge.js';
import { Mirror } from './mirror.js';
import { pushBranch, remoteRef } from './push.js';
import { normalizeRepoUrl } from './url.js';

export interface MergeQueueOptions {
  home: string;
  repoUrl: string;
  /** Where the results were pushed and where the branch is updated. */
  pushUrl: string;
  branch: string;
  runId: string;
  /** The run's base: where the branch starts when it does not exist yet. */
  base: string;
  /** The results to merge (fetched here by their result branches when missing). */
  results: { taskId: string; commit: string }[];
  signal?: AbortSignal;
}

/**
 * The branch the merge queue merges into: where it starts (its tip on the push remote, or the
 * run's base when it does not exist yet) and its push, leased on that tip.
 */
export class MergeQueueBranch {
  private constructor(
    private readonly mirror: Mirror,
    private readonly opts: MergeQueueOptions,
    /** The branch's tip on the push remote when the queue started (undefined: no such branch). */
    readonly tip: string | undefined,
  ) {}

  get start(): string {
    return this.tip ?? this.opts.base;
  }

  static async open(opts: MergeQueueOptions): Promise<MergeQueueBranch> {
    const pushUrl = normalizeRepoUrl(opts.pushUrl);
    const mirror = await Mirror.open({ home: opts.home, url: normalizeRepoUrl(opts.repoUrl), signal: opts.signal });
    const ref = `refs/heads/${opts.branch}`;
    const check = await git(['check-ref-format', ref], { cwd: mirror.dir, okCodes: [1] });
    if (check.code !== 0) throw new FleetError('workspace_error', `merge queue: '${opts.branch}' is not a valid branch name`, { branch: opts.branch });
    const wanted = opts.results.map((r) => ({ branch: branchOf(opts.runId, r.taskId), commit: r.commit }));
    await mirror.ensureCommits([opts.base], wanted, pushUrl, opts.signal);
    const tip = await remoteRef(mirror.dir, pushUrl, ref);
    if (tip) await mirror.ensureCommits([], [{ branch: opts.branch, commit: tip }], pushUrl, opts.signal);
    return new MergeQueueBranch(mirror, { ...opts, pushUrl }, tip);
  }

  /**
   * Pushes the merged head (nothing when it did not move) from the slot repository `from` that
   * holds its merge commits; the lease refuses a branch someone moved meanwhile.
   */
  async push(head: string, from: string): Promise<void> {
    if (head === this.tip) return;
    await pushBranch(from, this.opts.pushUrl, this.opts.branch, head, { expect: this.tip ?? null });
    await this.mirror.recordResult(this.opts.branch, head, this.opts.pushUrl, from);
  }
}

/** Whether HEAD of the worktree contains the commit already (its merge would change nothing). */
export async function containsCommit(dir: string, commit: string): Promise<boolean> {
  return (await git(['merge-base', '--is-ancestor', commit, 'HEAD'], { cwd: dir, okCodes: [1] })).code === 0;
}

/**
 * Merges one result into HEAD (a fast-forward when it can). A conflict is left in the worktree
 * for a resolver, and its paths are returned; abortMerge() or commitMerge() ends it.
 */
export async function startMerge(dir: string, r: { taskId: string; commit: string }, message: string, author: string): Promise<{ conflict: string[] } | null> {
  const res = await git(['-c', 'core.hooksPath=/dev/null', 'merge', '--ff', '--no-edit', '--no-verify', '--no-stat', '-q', '-m', message, r.commit], { cwd: dir, env: authorEnv(parseAuthor(author)), okCodes: [1, 2, 128] });
  if (res.code === 0) return null;
  const paths = await unmerged(dir);
  if (paths.length === 0) {
    await abortMerge(dir);
    throw new FleetError('workspace_error', `cannot merge ${r.taskId} (${r.commit}) in ${dir}: ${res.stderr.trim() || res.stdout.trim()}`, { taskId: r.taskId, commit: r.commit });
  }
  return { conflict: paths };
}

export async function abortMerge(dir: string): Promise<void> {
  await git(['merge', '--abort'], { cwd: dir, okCodes: [1, 128] });
}

async function unmerged(dir: string): Promise<string[]> {
  const res = await git(['diff', '--name-only', '--diff-filter=U', '-z'], { cwd: dir });
  return [...new Set(res.stdout.split('\0').filter(Boolean))].sort();
}

const MARKER = /^(<{7}|>{7})( |$)|^={7}$/m;

/**
 * Ends a merge a resolver worked on: every file staged (the never-committed paths left out),
 * then committed. Returns the paths that still hold conflict markers instead, committing nothing.
 */
export async function commitMerge(dir: string, conflicted: readonly string[], author: string, neverCommit: readonly string[]): Promise<{ unresolved: string[] }> {
  const unresolved = conflicted.filter((p) => {
    try {
      return MARKER.test(readFileSync(join(dir, p), 'utf8'));
    } catch {
      return false; // deleted: a resolution too
    }
  });
  if (unresolved.length) return { unresolved };
  await git(addAllArgs(neverCommit), { cwd: dir });
  const left = await unmerged(dir);
  if (left.length) return { unresolved: left };
  await git(['-c', 'core.hooksPath=/dev/null', 'commit', '-q', '--no-edit', '--no-verify'], { cwd: dir, env: authorEnv(parseAuthor(author)) });
  return { unresolved: [] };
}

/** Back to `commit`: a merge in progress dropped, its files and what a check built removed (the keep paths stay). */
export async function resetTo(dir: string, commit: string, keep: readonly string[]): Promise<void> {
  await abortMerge(dir);
  await git(['reset', '-q', '--hard', commit], { cwd: dir });
  await git(cleanArgs('all', keep), { cwd: dir });
}

export { headOf };

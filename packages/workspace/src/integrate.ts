import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FleetError, branchOf } from '@agentfleet/core';
import type { Logger } from '@agentfleet/telemetry';
import { authorEnv, git, parseAuthor } from './git.js';
import { headOf, mergeOne, type MergeConflict } from './merge.js';
import { Mirror } from './mirror.js';
import { integrateDir, RESULTS } from './paths.js';
import { pushBranch, remoteRef } from './push.js';
import { normalizeRepoUrl } from './url.js';

export interface IntegrateOptions {
  home: string;
  repoUrl: string;
  /** Where results were pushed and where BRANCH is updated. */
  pushUrl: string;
  /** The branch to merge results into (created when missing). */
  branch: string;
  /** Run id: names the result branches to fetch when a commit is not on this host. */
  runId?: string;
  /** Results to merge, in order (typically the run's leaf tasks). */
  results: { taskId: string; commit: string }[];
  author: string;
  /** Start point when BRANCH does not exist yet (default: the first result). */
  base?: string;
  logger?: Logger;
}

export interface IntegrateResult {
  merged: string[];
  conflicts: MergeConflict[];
  /** The new tip of BRANCH, when anything was pushed. */
  commit?: string;
}

/**
 * `fleet run --integrate BRANCH`: merges each result into BRANCH in a scratch worktree;
 * a result that conflicts is left out and reported with its paths, the others go in.
 */
export async function integrate(opts: IntegrateOptions): Promise<IntegrateResult> {
  const out: IntegrateResult = { merged: [], conflicts: [] };
  if (opts.results.length === 0) return out;
  const pushUrl = normalizeRepoUrl(opts.pushUrl);
  const env = authorEnv(parseAuthor(opts.author));
  const ref = `refs/heads/${opts.branch}`;
  const mirror = await Mirror.open({ home: opts.home, url: opts.repoUrl, logger: opts.logger });
  const check = await git(['check-ref-format', ref], { cwd: mirror.dir, okCodes: [1] });
  if (check.code !== 0) throw new FleetError('workspace_error', `--integrate: '${opts.branch}' is not a valid branch name`, { branch: opts.branch });

  const wanted = opts.results.map((r) => ({ branch: opts.runId ? branchOf(opts.runId, r.taskId) : '', commit: r.commit }));
  await mirror.ensureCommits(opts.base ? [opts.base] : [], wanted.filter((w) => w.branch), pushUrl);
  await mirror.ensureCommits(wanted.filter((w) => !w.branch).map((w) => w.commit));
  const tip = await remoteRef(mirror.dir, pushUrl, ref);
  if (tip) await mirror.fetchResults(pushUrl, [opts.branch]);
  const start = tip ?? opts.base ?? opts.results[0]!.commit;

  mkdirSync(integrateDir(opts.home), { recursive: true });
  const dir = join(integrateDir(opts.home), `${Date.now()}-${randomBytes(3).toString('hex')}`);
  await git(['worktree', 'add', '--quiet', '--detach', dir, start], { cwd: mirror.dir });
  try {
    for (const r of opts.results) {
      const conflict = await mergeOne(dir, r, `fleet: integrate ${r.taskId} into ${opts.branch}`, env);
      if (conflict) out.conflicts.push(conflict);
      else out.merged.push(r.taskId);
    }
    const head = await headOf(dir);
    if (head !== tip) {
      await pushBranch(dir, pushUrl, opts.branch, head, { expect: tip ?? null });
      await git(['update-ref', `${RESULTS}${opts.branch}`, head], { cwd: mirror.dir });
    }
    out.commit = head;
    opts.logger?.info({ branch: opts.branch, merged: out.merged.length, conflicts: out.conflicts.length, commit: head }, 'results integrated');
    return out;
  } finally {
    // The scratch worktree holds only merges of pushed results (and the push of them): nothing to keep.
    await git(['worktree', 'remove', '--force', '--force', dir], { cwd: mirror.dir }).catch(() => rmSync(dir, { recursive: true, force: true }));
  }
}

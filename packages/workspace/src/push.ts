import { FleetError } from '@agentfleet/core';
import { git } from './git.js';

export interface DiffStat {
  files: number;
  insertions: number;
  deletions: number;
}

/** The commit a remote ref points at, or undefined when it does not exist. */
export async function remoteRef(cwd: string, url: string, ref: string): Promise<string | undefined> {
  const res = await git(['ls-remote', url, ref], { cwd });
  for (const line of res.stdout.split('\n')) {
    const [sha, name] = line.split('\t');
    if (name === ref && sha) return sha;
  }
  return undefined;
}

/**
 * Pushes `commit` to `branch` at `url`, replacing what is there (a retried task's earlier
 * result) but only if it is still what we just read: --force-with-lease, so two attempts
 * racing never silently clobber each other's push; one re-read settles a lost race.
 */
export async function pushBranch(cwd: string, url: string, branch: string, commit: string, opts: { expect?: string | null } = {}): Promise<void> {
  const ref = `refs/heads/${branch}`;
  let last = '';
  // With `expect` (null: must not exist) the caller built on that tip: no second chance.
  const attempts = opts.expect === undefined ? 2 : 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const current = opts.expect !== undefined
      ? opts.expect ?? undefined
      : await remoteRef(cwd, url, ref).catch((e: Error) => {
          throw new FleetError('push_failed', `cannot read ${ref} at ${url}: ${e.message}`, { branch, url });
        });
    if (current === commit) return;
    const res = await git(['push', '--porcelain', '--no-verify', `--force-with-lease=${ref}:${current ?? ''}`, url, `${commit}:${ref}`], { cwd, okCodes: [1, 128] });
    if (res.code === 0) return;
    last = (res.stderr.trim() || res.stdout.trim()).split('\n').slice(-3).join(' | ');
    if (!/stale info|fetch first|non-fast-forward|rejected/.test(res.stdout + res.stderr)) break;
  }
  throw new FleetError('push_failed', `cannot push ${branch} to ${url}: ${last}`, { branch, url, commit });
}

/** `git diff --shortstat base..head` as numbers. */
export async function diffStat(cwd: string, base: string, head: string): Promise<DiffStat> {
  if (base === head) return { files: 0, insertions: 0, deletions: 0 };
  const out = (await git(['diff', '--shortstat', base, head], { cwd })).stdout;
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? 0);
  return { files: num(/(\d+) files? changed/), insertions: num(/(\d+) insertions?\(\+\)/), deletions: num(/(\d+) deletions?\(-\)/) };
}

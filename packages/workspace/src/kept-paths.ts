import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FleetError } from '@agentfleet/core';
import { git } from './git.js';

/**
 * Paths of a slot's workspace the fleet keeps out of git: `keep` (the setup's node_modules and
 * the like) survive the clean between tasks; `neverCommit` (keep plus the host files copied
 * in) are never part of a commit, whatever the repository's .gitignore says. Paths are
 * relative to the repository root and already checked (core's repoPathProblem).
 */
export interface KeptPaths {
  keep: string[];
  neverCommit: string[];
}

export const NO_KEPT_PATHS: KeptPaths = { keep: [], neverCommit: [] };

/** The slot's git exclude file: agents' and checks' git reads it (core.excludesFile in their environment). */
export const excludeFileOf = (slotPath: string) => join(slotPath, 'exclude');

/** Anchored at the repository root: `node_modules` excludes /node_modules, not a/node_modules. */
const anchored = (p: string) => `/${p}`;

export function writeExcludeFile(slotPath: string, kept: KeptPaths): string {
  const file = excludeFileOf(slotPath);
  writeFileSync(file, kept.neverCommit.map((p) => `${anchored(p)}\n`).join(''));
  return file;
}

/** What the slot's last task kept out of commits (the janitor salvages a dead slot without them). */
export function readExcludeFile(slotPath: string): string[] {
  try {
    return readFileSync(excludeFileOf(slotPath), 'utf8').split('\n').filter(Boolean).map((l) => l.replace(/^\//, ''));
  } catch {
    return [];
  }
}

/** `git clean` that spares the keep paths (with -x, -e patterns still apply). */
export function cleanArgs(clean: 'all' | 'keep-ignored', keep: readonly string[]): string[] {
  return ['clean', '-q', clean === 'all' ? '-ffdx' : '-ffd', ...keep.flatMap((p) => ['-e', anchored(p)])];
}

/**
 * `git add -A` of everything but the never-committed paths: pathspec excludes rank above any
 * .gitignore rule, so a repository that un-ignores `.env` still does not get it committed.
 */
export function addAllArgs(neverCommit: readonly string[]): string[] {
  return neverCommit.length ? ['add', '-A', '--', '.', ...neverCommit.map((p) => `:(top,exclude)${p}`)] : ['add', '-A'];
}

/** Of `paths`, those the checked-out commit tracks (a file, or files below a folder). */
export async function trackedAmong(dir: string, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const out = (await git(['ls-files', '-z', '--', ...paths.map((p) => `:(top,literal)${p}`)], { cwd: dir })).stdout;
  const files = out.split('\0').filter(Boolean);
  return paths.filter((p) => files.some((f) => f === p || f.startsWith(`${p}/`)));
}

/**
 * Refuses a result that would carry a host file (an agent ran `git add -f .env`): it is never
 * pushed. Its commits are undone (their changes stay in the work tree), so that what the slot
 * salvages of them leaves the host file out as well.
 */
export async function assertNotCommitted(dir: string, base: string, head: string, hostPaths: readonly string[], taskId: string): Promise<void> {
  if (hostPaths.length === 0 || base === head) return;
  const res = await git(['diff', '--name-only', '-z', base, head, '--', ...hostPaths.map((p) => `:(top,literal)${p}`)], { cwd: dir });
  const leaked = res.stdout.split('\0').filter(Boolean);
  if (leaked.length) {
    await git(['reset', '-q', '--mixed', base], { cwd: dir });
    throw new FleetError('workspace_error', `task ${taskId}: its commits hold host files (${leaked.join(', ')}), which are never pushed: they stay on the host; commit without them`, { taskId, paths: leaked });
  }
}

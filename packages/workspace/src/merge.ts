import { FleetError } from '@agentfleet/core';
import { git } from './git.js';

export interface MergeInput {
  taskId: string;
  commit: string;
}

export interface MergeConflict {
  taskId: string;
  paths: string[];
}

/** Paths left unmerged in a worktree by a failed merge. */
async function unmergedPaths(dir: string): Promise<string[]> {
  const res = await git(['diff', '--name-only', '--diff-filter=U', '-z'], { cwd: dir });
  return [...new Set(res.stdout.split('\0').filter(Boolean))].sort();
}

/**
 * Merges one commit into the worktree's HEAD: a fast-forward when HEAD is its ancestor,
 * nothing when it is already contained, a merge commit otherwise. On a conflict the merge is
 * aborted (HEAD and files as before) and the conflicting paths are returned.
 */
export async function mergeOne(dir: string, input: MergeInput, message: string, env: Record<string, string>): Promise<MergeConflict | undefined> {
  const res = await git(['-c', 'core.hooksPath=/dev/null', 'merge', '--ff', '--no-edit', '--no-verify', '--no-stat', '-q', '-m', message, input.commit], { cwd: dir, env, okCodes: [1, 2, 128] });
  if (res.code === 0) return undefined;
  const paths = await unmergedPaths(dir);
  await git(['merge', '--abort'], { cwd: dir, okCodes: [1, 128] });
  if (paths.length === 0) {
    // Not a content conflict (e.g. a commit that cannot be read): report git's own words.
    throw new FleetError('workspace_error', `cannot merge ${input.taskId} (${input.commit}) in ${dir}: ${res.stderr.trim() || res.stdout.trim()}`, { taskId: input.taskId, commit: input.commit });
  }
  return { taskId: input.taskId, paths };
}

export async function headOf(dir: string): Promise<string> {
  return (await git(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
}

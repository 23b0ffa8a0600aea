import { git } from './git.js';
import { Mirror } from './mirror.js';

export interface FileDiff {
  path: string;
  insertions: number;
  deletions: number;
  /** binary files have no line counts */
  binary: boolean;
}

export interface ResultDiff {
  files: FileDiff[];
  /** the unified diff, cut at maxBytes */
  patch: string;
  truncated: boolean;
}

export interface ResultDiffRequest {
  /** the agentfleet home of the process asking (its mirror of the repository lives there) */
  home: string;
  repoUrl: string;
  /** where the result branch was pushed */
  pushUrl: string;
  branch: string;
  base: string;
  commit: string;
  maxBytes?: number;
}

/**
 * What a task's result branch changed (base..commit): files with their line counts and the
 * unified diff, read from this machine's mirror of the repository (fetched when it lacks them).
 */
export async function resultDiff(req: ResultDiffRequest): Promise<ResultDiff> {
  const mirror = await Mirror.open({ home: req.home, url: req.repoUrl });
  await mirror.ensureCommits([req.base], [{ branch: req.branch, commit: req.commit }], req.pushUrl);
  const numstat = await git(['diff', '--numstat', '--no-renames', req.base, req.commit], { cwd: mirror.dir });
  const files = numstat.stdout.split('\n').filter(Boolean).map((line): FileDiff => {
    const [ins = '-', del = '-', ...path] = line.split('\t');
    return { path: path.join('\t'), insertions: ins === '-' ? 0 : Number(ins), deletions: del === '-' ? 0 : Number(del), binary: ins === '-' };
  });
  const max = req.maxBytes ?? 500_000;
  const patch = (await git(['diff', '--no-color', '--no-ext-diff', '--no-renames', req.base, req.commit], { cwd: mirror.dir })).stdout;
  return { files, patch: patch.length > max ? patch.slice(0, max) : patch, truncated: patch.length > max };
}

import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The git directories a worktree writes when it commits: its own gitdir and the common dir
 * (objects, refs). Read from the files git leaves there, without running git.
 */
export async function gitWriteDirs(workdir: string): Promise<string[]> {
  const dotgit = join(workdir, '.git');
  const st = await stat(dotgit).catch(() => undefined);
  if (!st) return [];
  if (st.isDirectory()) return [dotgit];
  const text = await readFile(dotgit, 'utf8');
  const m = /^gitdir:\s*(.+)$/m.exec(text);
  if (!m) return [];
  const gitdir = resolve(workdir, m[1]!.trim());
  const common = await readFile(join(gitdir, 'commondir'), 'utf8').then(
    (c) => (isAbsolute(c.trim()) ? c.trim() : resolve(gitdir, c.trim())),
    () => undefined,
  );
  return [...new Set([common ?? gitdir, gitdir])];
}

import { lstat, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';

/** A path the model asked for that may not be used; the message is sent back to it. */
export class PathRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathRefused';
  }
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The deepest existing ancestor of p (p itself when it exists), resolved through symlinks. */
async function realExistingPrefix(p: string): Promise<string> {
  let cur = p;
  while (true) {
    try {
      return await realpath(cur);
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return cur;
      cur = parent;
    }
  }
}

/**
 * Resolves a model-given path inside the workdir. Refused: absolute paths, `..` segments,
 * anything whose real location (through symlinks) is outside the workdir, and the .git dir
 * (the host commits the result; the agent must not rewrite history or hooks).
 */
export async function confinePath(workdir: string, requested: string, opts: { allowRoot?: boolean } = {}): Promise<{ abs: string; rel: string }> {
  const raw = requested.trim() === '' ? '.' : requested.trim();
  if (isAbsolute(raw) || /^[a-zA-Z]:[\\/]/.test(raw) || raw.startsWith('~')) {
    throw new PathRefused(`refused: '${requested}' is an absolute path; use a path relative to the workspace root`);
  }
  if (raw.split(/[\\/]+/).includes('..')) {
    throw new PathRefused(`refused: '${requested}' contains '..'; paths must stay inside the workspace`);
  }
  const rel = normalize(raw).replace(/[\\/]+$/, '') || '.';
  if (rel === '.' && !opts.allowRoot) throw new PathRefused(`refused: '${requested}' names the workspace root, not a file`);
  if (rel === '.git' || rel.startsWith(`.git${sep}`)) throw new PathRefused(`refused: '${requested}' is inside .git, which the fleet manages`);
  const root = await realpath(workdir);
  const abs = join(root, rel);
  const real = await realExistingPrefix(abs);
  if (!inside(root, real)) {
    throw new PathRefused(`refused: '${requested}' resolves through a symlink to outside the workspace`);
  }
  // a dangling symlink at the target itself would write outside on creation
  try {
    const st = await lstat(abs);
    if (st.isSymbolicLink() && !inside(root, await realExistingPrefix(resolve(dirname(abs), await readlink(abs))))) throw new PathRefused(`refused: '${requested}' is a symlink pointing outside the workspace`);
  } catch (e) {
    if (e instanceof PathRefused) throw e;
  }
  return { abs, rel };
}

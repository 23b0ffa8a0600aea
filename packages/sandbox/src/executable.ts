// The program a sandboxed command starts must be inside the sandbox too: found on the PATH
// the command gets, its whole install tree bound read-only (an npm-installed CLI such as
// codex or claude is a script in node_modules that starts a platform binary next to it).
import { accessSync, constants, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, sep } from 'node:path';

/** `file` as an absolute path, looked up on `path` like execvp does; undefined when it is not there. */
export function findExecutable(file: string, path: string | undefined, cwd: string): string | undefined {
  if (file.includes('/')) return isAbsolute(file) ? file : join(cwd, file);
  for (const dir of (path ?? '').split(':')) {
    if (!dir) continue;
    const candidate = join(isAbsolute(dir) ? dir : join(cwd, dir), file);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The directories to bind for an executable: the `node_modules` tree it lives in when it is an
 * npm package (its platform binaries are optional dependencies beside it), else its install
 * prefix when it sits in PREFIX/bin (its lib and share next to it), else its directory; both
 * for where PATH found it and where its links lead. Inside the user's home only the directory
 * itself (a prefix such as ~/.local holds far more than the program).
 */
export function installDirs(executable: string, userHome: string): string[] {
  const dirs = new Set<string>();
  let target = executable;
  try {
    target = realpathSync(executable);
  } catch {
    // a dangling link: nothing more to bind than where it is
  }
  for (const p of new Set([executable, target])) {
    const dir = dirname(p);
    const inHome = p === userHome || p.startsWith(`${userHome}/`);
    dirs.add(nodeModulesRoot(p) ?? (basename(dir) === 'bin' && !inHome ? dirname(dir) : dir));
  }
  return [...dirs];
}

/** The outermost `node_modules` directory above `p`, if any. */
function nodeModulesRoot(p: string): string | undefined {
  const parts = p.split(sep);
  const i = parts.indexOf('node_modules');
  return i > 0 ? parts.slice(0, i + 1).join(sep) : undefined;
}

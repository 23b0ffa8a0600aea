/**
 * A path inside a repository as a plan or fleet.yaml writes it (`setup.key`, `setup.keep`,
 * `files[].to`): relative to the repository root, no `..` step, not into `.git`. Returns why
 * not, or undefined when it is one. Plain paths, no glob patterns: the fleet hands them to
 * git as literal paths.
 */
export function repoPathProblem(path: string): string | undefined {
  if (path.trim() === '') return 'must not be empty';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'must not hold control characters';
  if (path.startsWith('/') || path.startsWith('~') || /^[A-Za-z]:[\\/]/.test(path)) return `'${path}' is outside the repository: write a path relative to its root`;
  if (/[*?[\]\\]/.test(path)) return `'${path}': write a plain path (no glob patterns or backslashes)`;
  const parts = normalRepoPath(path).split('/');
  if (parts.includes('..')) return `'${path}' is outside the repository: a path inside it has no '..'`;
  if (parts[0] === '' || parts[0] === '.') return `'${path}' names the whole repository: name a file or folder in it`;
  if (parts[0] === '.git') return `'${path}' is inside .git: name a file or folder of the work tree`;
  return undefined;
}

/** `./a//b/` -> `a/b`: one spelling per path (what the fleet writes to git). */
export function normalRepoPath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  return parts.length ? parts.join('/') : '.';
}

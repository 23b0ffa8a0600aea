// Real git repositories for tests: git run with a fixed test identity (and never a prompt),
// files written into a tree, an origin repository on main with one commit, further commits.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const AUTHOR = 'Fleet Test <fleet@test.local>';
const ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_TERMINAL_PROMPT: '0' };

/** `git ARGS` in `cwd` as the test identity; its stdout, trimmed. */
export function g(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
}

/** A non-bare origin repository on branch main with one commit; returns its path and sha. */
export function makeOrigin(root: string, files: Record<string, string> = { 'README.md': 'hello\n' }): { repo: string; sha: string } {
  const repo = join(root, 'origin');
  mkdirSync(repo, { recursive: true });
  g(repo, 'init', '-q', '-b', 'main');
  writeFiles(repo, files);
  g(repo, 'add', '-A');
  g(repo, 'commit', '-q', '-m', 'initial');
  return { repo, sha: g(repo, 'rev-parse', 'HEAD') };
}

export function commit(repo: string, files: Record<string, string>, message = 'change'): string {
  writeFiles(repo, files);
  g(repo, 'add', '-A');
  g(repo, 'commit', '-q', '-m', message);
  return g(repo, 'rev-parse', 'HEAD');
}

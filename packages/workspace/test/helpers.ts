// Real git repositories in /dev/shm temp dirs for the workspace tests.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const AUTHOR = 'Fleet Test <fleet@test.local>';
const ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_TERMINAL_PROMPT: '0' };

export function tempDir(name: string): string {
  const base = process.platform === 'linux' ? '/dev/shm' : tmpdir();
  return mkdtempSync(join(base, `af-ws-${name}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

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

export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

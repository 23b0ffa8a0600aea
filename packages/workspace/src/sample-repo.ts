import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { authorEnv, git, parseAuthor } from './git.js';

/**
 * Creates a git repository with the given files in one commit on branch `main`
 * (the `fleet demo` sample repository, and test fixtures). Returns the commit sha.
 */
export async function initRepository(dir: string, files: Record<string, string>, author = 'agentfleet <fleet@localhost>'): Promise<string> {
  await mkdir(dir, { recursive: true });
  await git(['init', '--quiet', '--initial-branch=main', dir]);
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
  await git(['add', '--all'], { cwd: dir });
  await git(['commit', '--quiet', '--no-verify', '-m', 'sample repository'], { cwd: dir, env: authorEnv(parseAuthor(author)) });
  return (await git(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
}

/** Content of a file at a commit or branch of a repository (for reports and tests). */
export async function showFile(repo: string, rev: string, path: string): Promise<string | null> {
  const res = await git(['show', `${rev}:${path}`], { cwd: repo, okCodes: [128] });
  return res.code === 0 ? res.stdout : null;
}

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { homeLayout } from '@agentfleet/host-contract';
import { git } from './git.js';
import { withLock } from './lock.js';
import { mirrorKey } from './url.js';

/**
 * Where this host keeps the result branches of eval runs that do not push to the team's remote:
 * a bare repository per repository under the agentfleet home (`eval-results/<key>.git`).
 */
export function scratchResultsRepo(home: string, repoUrl: string): string {
  return join(homeLayout(home).evalResults, `${mirrorKey(repoUrl)}.git`);
}

/** The scratch repository of `repoUrl`, created (bare, under a lock: slots share it) when missing. */
export async function ensureScratchResultsRepo(home: string, repoUrl: string): Promise<string> {
  const dir = scratchResultsRepo(home, repoUrl);
  if (existsSync(join(dir, 'HEAD'))) return dir;
  mkdirSync(homeLayout(home).evalResults, { recursive: true });
  await withLock(`${dir.replace(/\.git$/, '')}.lock`, {}, async () => {
    if (!existsSync(join(dir, 'HEAD'))) await git(['init', '--bare', '-q', dir]);
  });
  return dir;
}

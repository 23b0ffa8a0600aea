import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetError } from '@agentfleet/core';
import { git } from './git.js';
import { normalizeRepoUrl } from './url.js';

/**
 * Deletes result branches on the user's remote (retention.branches: true), from a throwaway
 * empty repository. A branch already gone is not an error; anything else names the remote.
 */
export async function deleteRemoteBranches(pushUrl: string, branches: readonly string[]): Promise<void> {
  if (!branches.length) return;
  const dir = mkdtempSync(join(tmpdir(), 'af-delete-'));
  try {
    await git(['init', '--quiet', '--bare', dir]);
    const url = normalizeRepoUrl(pushUrl);
    for (let i = 0; i < branches.length; i += 100) {
      const chunk = branches.slice(i, i + 100).map((b) => `refs/heads/${b}`);
      const res = await git(['push', '--porcelain', '--no-verify', url, '--delete', ...chunk], { cwd: dir, okCodes: [1] });
      if (res.code !== 0 && !/remote ref does not exist/.test(res.stderr)) {
        throw new FleetError('push_failed', `cannot delete result branches at ${url}: ${res.stderr.trim().split('\n').slice(-2).join(' | ')}`, { url });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

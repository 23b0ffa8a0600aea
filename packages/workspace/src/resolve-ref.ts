import { FleetError, InputError } from '@agentfleet/core';
import type { Logger } from '@agentfleet/telemetry';
import { git, SHA_PATTERN } from './git.js';
import { Mirror } from './mirror.js';
import { normalizeRepoUrl } from './url.js';

export interface ResolveRefOptions {
  /** agentfleet home: when given, commit ids (full or abbreviated) are checked in the host's mirror. */
  home?: string;
  logger?: Logger;
}

/**
 * The commit a ref names in a repository, resolved once at submit so every task of a run
 * starts from the same commit however the branch moves later. Accepts a branch, a tag
 * (annotated tags give the commit they point to), a full ref name, HEAD, or a commit id.
 */
export async function resolveRef(repoUrl: string, ref: string, opts: ResolveRefOptions = {}): Promise<string> {
  const url = normalizeRepoUrl(repoUrl);
  const name = ref.trim();
  if (!name || name.startsWith('-') || /[\s~^:?*[\\]/.test(name.replace(/\^\{\}$/, ''))) {
    throw new InputError(`repo.ref '${ref}' is not a valid ref name (repository ${url})`);
  }
  const lower = name.toLowerCase();
  if (SHA_PATTERN.test(lower) && !opts.home) return lower;

  const patterns = name.startsWith('refs/') || name === 'HEAD' ? [name] : [`refs/heads/${name}`, `refs/tags/${name}`, `refs/tags/${name}^{}`];
  let listing: string;
  try {
    listing = (await git(['ls-remote', url, ...patterns])).stdout;
  } catch (e) {
    throw new FleetError('workspace_error', `cannot resolve ref '${name}': cannot read refs of ${url}: ${(e as Error).message}`, { url, ref: name });
  }
  const refs = new Map<string, string>();
  for (const line of listing.split('\n')) {
    const [sha, refName] = line.split('\t');
    if (sha && refName) refs.set(refName, sha);
  }
  const pick = name.startsWith('refs/tags/') || name === 'HEAD' || name.startsWith('refs/')
    ? refs.get(`${name}^{}`) ?? refs.get(name)
    : refs.get(`refs/heads/${name}`) ?? refs.get(`refs/tags/${name}^{}`) ?? refs.get(`refs/tags/${name}`);
  if (pick) return pick;

  if (/^[0-9a-f]{4,64}$/.test(lower) && opts.home) {
    const mirror = await Mirror.open({ home: opts.home, url, logger: opts.logger });
    if (SHA_PATTERN.test(lower)) {
      await mirror.ensureCommits([lower]).catch((e: Error) => {
        throw new InputError(`repo.ref '${name}': no such commit in ${url} (${e.message})`);
      });
      return lower;
    }
    const found = await git(['rev-parse', '--verify', '-q', `${lower}^{commit}`], { cwd: mirror.dir, okCodes: [1, 128] });
    if (found.code === 0) return found.stdout.trim();
  }
  throw new InputError(`repo.ref '${name}' not found in ${url}: no branch, tag or commit by that name`);
}

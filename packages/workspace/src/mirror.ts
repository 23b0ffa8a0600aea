import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { FleetError } from '@agentfleet/core';
import type { Logger } from '@agentfleet/telemetry';
import { git, type Identity } from './git.js';
import { withLock } from './lock.js';
import { MIRROR_STAMP, ORIGIN_HEADS, ORIGIN_TAGS, RESULTS, mirrorDir, mirrorLockFile, mirrorsDir } from './paths.js';
import { normalizeRepoUrl } from './url.js';

const PUSH_URL_FILE = 'agentfleet-pushurl';

/** Where results from this mirror's worktrees were last pushed (rescue branches go there too). */
export function readPushUrl(mirror: string): string | undefined {
  try {
    return readFileSync(`${mirror}/${PUSH_URL_FILE}`, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Copies what a slot repository made into the mirror with a local push (its objects checked
 * by index-pack on the way). No gc --auto in the mirror on the way: a repack of a big mirror
 * would stall the task's publish; fetches into the mirror run git's maintenance.
 */
export async function pushIntoMirror(from: string, mirror: string, refspec: string): Promise<void> {
  await git(['push', '--quiet', '--no-verify', '--receive-pack=git -c receive.autogc=false receive-pack', mirror, refspec], { cwd: from });
}

/** A result branch that should hold a commit: where to fetch it from when it is missing. */
export interface WantedResult {
  branch: string;
  commit: string;
}

export interface MirrorOptions {
  home: string;
  url: string;
  author?: Identity;
  logger?: Logger;
  /** Kills the first fetch when it aborts. */
  signal?: AbortSignal;
}

/**
 * The host's bare mirror of one repository. Every slot's own repository borrows its objects
 * (alternates, read-only for agents); results and salvaged work are pushed into it from the
 * slots; fetches run under an inter-process lock.
 */
export class Mirror {
  readonly dir: string;
  readonly url: string;
  readonly lockFile: string;
  private readonly logger?: Logger;

  private constructor(dir: string, url: string, logger?: Logger) {
    this.dir = dir;
    this.url = url;
    this.lockFile = mirrorLockFile(dir);
    this.logger = logger;
  }

  /** Opens the mirror of `url`, creating (and fetching) it first if this host has none. */
  static async open(opts: MirrorOptions): Promise<Mirror> {
    const url = normalizeRepoUrl(opts.url);
    const m = new Mirror(mirrorDir(opts.home, url), url, opts.logger);
    if (!existsSync(m.dir)) {
      mkdirSync(mirrorsDir(opts.home), { recursive: true });
      await withLock(m.lockFile, { purpose: `create mirror of ${url}` }, async () => {
        if (!existsSync(m.dir)) await m.create(opts.author, opts.signal);
      });
    }
    return m;
  }

  private async create(author: Identity | undefined, signal: AbortSignal | undefined): Promise<void> {
    const tmp = `${this.dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    const started = Date.now();
    try {
      await git(['init', '--bare', '-q', tmp]);
      const config: [string, string][] = [
        ['remote.origin.url', this.url],
        ['remote.origin.fetch', `+refs/heads/*:${ORIGIN_HEADS}*`],
        ['gc.autoDetach', 'false'], // no background gc left running after a fetch
        // Fetched objects always arrive as a pack, which appears at once (its .idx is renamed
        // into place last): a concurrent reader never sees a commit whose trees are not there yet.
        ['transfer.unpackLimit', '1'],
        ['core.logAllRefUpdates', 'false'],
        ['agentfleet.url', this.url],
        // Slot switches rescan big trees: the untracked cache lets `clean` skip unchanged
        // directories, index v4 and the skipped index hash make index writes cheaper.
        ['core.untrackedCache', 'true'],
        ['index.version', '4'],
        ['index.skipHash', 'true'],
      ];
      if (author) config.push(['user.name', author.name], ['user.email', author.email]);
      for (const [k, v] of config) await git(['config', k, v], { cwd: tmp });
      await git(['config', '--add', 'remote.origin.fetch', `+refs/tags/*:${ORIGIN_TAGS}*`], { cwd: tmp });
      await this.fetchOrigin(tmp, signal);
      writeFileSync(`${tmp}/${MIRROR_STAMP}`, '');
      renameSync(tmp, this.dir);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    this.logger?.info({ mirror: this.dir, url: this.url, ms: Date.now() - started }, 'mirror created');
  }

  private async fetchOrigin(dir: string, signal: AbortSignal | undefined): Promise<void> {
    try {
      await git(['fetch', '--quiet', '--no-tags', '--update-head-ok', 'origin'], { cwd: dir, signal });
    } catch (e) {
      throw new FleetError('workspace_error', `cannot fetch ${this.url}: ${(e as Error).message}`, { url: this.url });
    }
  }

  /** Which of these commits the mirror lacks (one git process for all of them). */
  async missing(commits: string[]): Promise<string[]> {
    const unique = [...new Set(commits)];
    if (unique.length === 0) return [];
    const res = await git(['cat-file', '--batch-check'], { cwd: this.dir, input: unique.map((c) => `${c}^{commit}\n`).join('') });
    const lines = res.stdout.split('\n');
    return unique.filter((_, i) => !/ commit \d+$/.test(lines[i] ?? ''));
  }

  /**
   * Makes sure the base commits and dependency results are here, fetching only when one is
   * missing: results from `resultsUrl` (by their branch), anything else from the origin.
   */
  async ensureCommits(commits: string[], results: WantedResult[] = [], resultsUrl = this.url, signal?: AbortSignal): Promise<void> {
    const wanted = [...commits, ...results.map((r) => r.commit)];
    if ((await this.missing(wanted)).length === 0) return;
    await withLock(this.lockFile, { purpose: `fetch into ${this.dir}` }, async () => {
      // Another process may have fetched while we waited for the lock.
      let missing = await this.missing(wanted);
      if (missing.length === 0) return;
      const started = Date.now();
      const missingResults = results.filter((r) => missing.includes(r.commit));
      if (missingResults.length > 0) await this.fetchResults(resultsUrl, missingResults.map((r) => r.branch), signal);
      missing = await this.missing(missing);
      if (missing.length > 0) await this.fetchOrigin(this.dir, signal);
      missing = await this.missing(missing);
      // Last resort: servers that allow fetching a commit by its id.
      for (const sha of missing) {
        for (const from of new Set([this.url, resultsUrl])) {
          await git(['fetch', '--quiet', '--no-tags', from, sha], { cwd: this.dir, signal }).catch(() => undefined);
        }
      }
      missing = await this.missing(missing);
      this.logger?.info({ mirror: this.dir, ms: Date.now() - started, missing }, 'mirror fetched');
      if (missing.length > 0) {
        const names = missing.map((sha) => {
          const r = results.find((x) => x.commit === sha);
          return r ? `${sha} (result ${r.branch} in ${resultsUrl})` : sha;
        });
        throw new FleetError('workspace_error', `commit(s) not found in ${this.url}: ${names.join(', ')}`, { url: this.url, missing });
      }
    });
  }

  /** Fetches result branches one refspec each; a branch that does not exist is skipped. */
  async fetchResults(from: string, branches: string[], signal?: AbortSignal): Promise<void> {
    const specs = branches.map((b) => `+refs/heads/${b}:${RESULTS}${b}`);
    const ok = await git(['fetch', '--quiet', '--no-tags', '--update-head-ok', from, ...specs], { cwd: this.dir, signal }).then(() => true, () => false);
    if (ok || specs.length === 1) return;
    for (const spec of specs) await git(['fetch', '--quiet', '--no-tags', '--update-head-ok', from, spec], { cwd: this.dir, signal }).catch(() => undefined);
  }

  /**
   * Records a result pushed from this host, so later tasks here need not fetch it. `from`: the
   * slot repository that made the commit (its objects are copied in with a local push).
   */
  async recordResult(branch: string, commit: string, pushUrl: string, from?: string): Promise<void> {
    if (from) await pushIntoMirror(from, this.dir, `+${commit}:${RESULTS}${branch}`);
    else await git(['update-ref', `${RESULTS}${branch}`, commit], { cwd: this.dir });
    // A plain file, not git config: concurrent `git config` writers fail on config.lock.
    if (readPushUrl(this.dir) !== pushUrl) {
      const tmp = `${this.dir}/${PUSH_URL_FILE}.${process.pid}`;
      writeFileSync(tmp, pushUrl);
      renameSync(tmp, `${this.dir}/${PUSH_URL_FILE}`);
    }
  }

  touch(): void {
    const now = new Date();
    try {
      utimesSync(`${this.dir}/${MIRROR_STAMP}`, now, now);
    } catch {
      writeFileSync(`${this.dir}/${MIRROR_STAMP}`, '');
    }
  }
}

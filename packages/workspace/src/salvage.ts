import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@agentfleet/telemetry';
import { git, SHA_PATTERN } from './git.js';
import { addAllArgs } from './kept-paths.js';
import { pushIntoMirror, readPushUrl } from './mirror.js';
import { RESULTS, UNPUSHED } from './paths.js';

/** Files a git process killed mid-operation leaves in a worktree's admin dir. */
const STALE_STATE = ['index.lock', 'HEAD.lock', 'MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE', 'MERGE_RR', 'AUTO_MERGE', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'ORIG_HEAD.lock', 'rebase-merge', 'rebase-apply', 'sequencer', 'BISECT_LOG', 'BISECT_START'];

/**
 * Clears locks and half-done merge/rebase state from a worktree's admin dir. Only called
 * when the slot's previous holder is known to be gone (its lock was stale or it was us).
 */
export function clearStaleGitState(adminDir: string): string[] {
  const removed: string[] = [];
  for (const name of STALE_STATE) {
    const p = join(adminDir, name);
    if (existsSync(p)) {
      rmSync(p, { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

/** Commits reachable from `tip` that no remote has and no preserved ref keeps. */
export async function unpushedCommits(repoDir: string, tip: string, exclude: string[] = []): Promise<string[]> {
  const res = await git(['rev-list', tip, '--not', '--remotes', `--glob=${UNPUSHED}*`, ...exclude], { cwd: repoDir });
  return res.stdout.split('\n').filter(Boolean);
}

export interface SalvageInfo {
  /** Names the preserved ref: refs/agentfleet/unpushed/<label>/<stamp>. */
  label: string;
  /**
   * A slot repository's mirror: its commits are counted against the mirror's refs and
   * preserved there (pushed into it). Without it `wt` is a linked worktree of the mirror
   * (the layout before per-slot repositories), whose refs are the mirror's own.
   */
  mirror?: string;
  message: string;
  env: Record<string, string>;
  /** Commits not to count as work (the prepared base: its local merge commits are derived). */
  exclude?: string[];
  /** Paths never committed (the setup's keep, host files): left out of the salvage commit. */
  skipPaths?: readonly string[];
}

export interface Salvaged {
  ref: string;
  commit: string;
  commits: number;
}

export function stamp(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${process.pid}`;
}

/**
 * Keeps what a task left in a worktree without publishing it: uncommitted files are
 * committed, and if HEAD then holds commits no remote has, a local ref preserves them until
 * the janitor pushes them to a fleet/rescue/... branch.
 */
export async function salvageWorktree(wt: string, info: SalvageInfo): Promise<Salvaged | undefined> {
  await git(addAllArgs(info.skipPaths ?? []), { cwd: wt });
  const staged = (await git(['diff', '--cached', '--quiet'], { cwd: wt, okCodes: [1] })).code === 1;
  if (staged) await git(['-c', 'core.hooksPath=/dev/null', 'commit', '-q', '--no-verify', '-m', info.message], { cwd: wt, env: info.env });
  const head = (await git(['rev-parse', '--verify', '-q', 'HEAD'], { cwd: wt, okCodes: [1] })).stdout.trim();
  if (!head) return undefined;
  const exclude = (info.exclude ?? []).filter((c) => SHA_PATTERN.test(c));
  const commits = info.mirror ? await slotUnpushed(wt, head, exclude) : await unpushedCommits(wt, head, exclude);
  if (commits.length === 0) return undefined;
  const ref = `${UNPUSHED}${info.label}/${stamp()}`;
  if (info.mirror) await preserveInMirror(wt, info.mirror, head, ref);
  else await git(['update-ref', ref, head], { cwd: wt });
  return { ref, commit: head, commits: commits.length };
}

/** Commits of a slot repository's `tip` that neither a remote nor a preserved ref of its mirror holds. */
export async function slotUnpushed(wt: string, tip: string, exclude: string[] = []): Promise<string[]> {
  // the slot's config limits the alternate refs to refs/remotes/ and the preserved refs
  const res = await git(['rev-list', tip, '--not', '--alternate-refs', ...exclude], { cwd: wt });
  return res.stdout.split('\n').filter(Boolean);
}

/** Copies `commit` and what it needs into the mirror under `ref`. */
function preserveInMirror(wt: string, mirror: string, commit: string, ref: string): Promise<void> {
  return pushIntoMirror(wt, mirror, `${commit}:${ref}`);
}

/**
 * Branches and tags an agent created in a slot repository: commits only they hold are
 * preserved in the mirror like any other unpublished work, and the refs leave the slot.
 */
export async function preserveSlotRefs(wt: string, mirror: string): Promise<Salvaged[]> {
  const out: Salvaged[] = [];
  const refs = (await git(['for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/tags'], { cwd: wt })).stdout.split('\n').filter(Boolean);
  if (refs.length === 0) return out;
  // HEAD on one of them: detached at the same commit first, so that it survives their removal
  const head = (await git(['rev-parse', '--verify', '-q', 'HEAD'], { cwd: wt, okCodes: [1] })).stdout.trim();
  if (head) await git(['update-ref', '--no-deref', 'HEAD', head], { cwd: wt });
  for (const ref of refs) {
    const commit = (await git(['rev-parse', '--verify', '-q', `${ref}^{commit}`], { cwd: wt, okCodes: [1] })).stdout.trim();
    const commits = commit ? await slotUnpushed(wt, commit).catch(() => []) : [];
    if (commits.length > 0) {
      const saved = `${UNPUSHED}local/${ref.replace(/^refs\/(heads|tags)\//, '')}/${stamp()}`;
      await preserveInMirror(wt, mirror, commit, saved);
      out.push({ ref: saved, commit, commits: commits.length });
    }
    await git(['update-ref', '-d', ref], { cwd: wt });
  }
  return out;
}

/** Preserves the commits of a worktree whose directory is gone, from its admin dir's HEAD. */
export async function salvageAdminHead(mirror: string, adminDir: string, label: string): Promise<Salvaged | undefined> {
  let head: string;
  try {
    head = readFileSync(join(adminDir, 'HEAD'), 'utf8').trim();
  } catch {
    return undefined;
  }
  if (head.startsWith('ref: ')) return undefined; // on a branch: the branch ref keeps its commits
  if (!SHA_PATTERN.test(head)) return undefined;
  const exists = await git(['cat-file', '-e', `${head}^{commit}`], { cwd: mirror, okCodes: [1, 128] });
  if (exists.code !== 0) return undefined;
  const commits = await unpushedCommits(mirror, head);
  if (commits.length === 0) return undefined;
  const ref = `${UNPUSHED}${label}/${stamp()}`;
  await git(['update-ref', ref, head], { cwd: mirror });
  return { ref, commit: head, commits: commits.length };
}

export interface Rescued {
  ref: string;
  branch: string;
  commit: string;
  pushUrl: string;
}

export interface RescueOutcome {
  rescued: Rescued[];
  failed: { ref: string; commit: string; error: string }[];
}

export async function pushUrlOf(mirror: string): Promise<string | undefined> {
  const recorded = readPushUrl(mirror);
  if (recorded) return recorded;
  const res = await git(['config', '--get', 'remote.origin.url'], { cwd: mirror, okCodes: [1] });
  return res.stdout.trim() || undefined;
}

/** Pushes every preserved ref of a mirror to fleet/rescue/<label>/<stamp>; drops the ref only once pushed. */
export async function rescueUnpushed(mirror: string, logger?: Logger): Promise<RescueOutcome> {
  const out: RescueOutcome = { rescued: [], failed: [] };
  const list = await git(['for-each-ref', '--format=%(objectname) %(refname)', UNPUSHED], { cwd: mirror });
  const refs = list.stdout.split('\n').filter(Boolean).map((l) => {
    const [commit = '', ref = ''] = l.split(' ');
    return { commit, ref };
  });
  if (refs.length === 0) return out;
  const pushUrl = await pushUrlOf(mirror);
  for (const { commit, ref } of refs) {
    const branch = `fleet/rescue/${ref.slice(UNPUSHED.length)}`;
    if (!pushUrl) {
      out.failed.push({ ref, commit, error: 'no push URL known for this mirror' });
      continue;
    }
    try {
      await git(['push', '--quiet', '--no-verify', pushUrl, `${commit}:refs/heads/${branch}`], { cwd: mirror });
      await git(['update-ref', `${RESULTS}${branch}`, commit], { cwd: mirror });
      await git(['update-ref', '-d', ref, commit], { cwd: mirror });
      out.rescued.push({ ref, branch, commit, pushUrl });
      logger?.warn({ branch, commit, pushUrl }, 'unpublished work pushed to a rescue branch');
    } catch (e) {
      out.failed.push({ ref, commit, error: (e as Error).message });
      logger?.error({ ref, commit, pushUrl, err: (e as Error).message }, 'cannot push unpublished work; kept on this host');
    }
  }
  return out;
}

/**
 * Branches and tags an agent created in a worktree live in the shared mirror; commits only
 * they hold are preserved like any other unpublished work.
 */
export async function preserveLocalRefs(mirror: string): Promise<Salvaged[]> {
  const out: Salvaged[] = [];
  const refs = (await git(['for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/tags'], { cwd: mirror })).stdout.split('\n').filter(Boolean);
  for (const ref of refs) {
    const commits = await unpushedCommits(mirror, ref).catch(() => []);
    if (commits.length === 0) continue;
    const commit = (await git(['rev-parse', `${ref}^{commit}`], { cwd: mirror })).stdout.trim();
    const name = ref.replace(/^refs\/(heads|tags)\//, '');
    const saved = `${UNPUSHED}local/${name}/${stamp()}`;
    await git(['update-ref', saved, commit], { cwd: mirror });
    out.push({ ref: saved, commit, commits: commits.length });
  }
  return out;
}

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FleetError, branchOf, isRunId, isTaskId } from '@agentfleet/core';
import type { Logger } from '@agentfleet/telemetry';
import { authorEnv, git, parseAuthor, SHA_PATTERN, type Identity } from './git.js';
import { addAllArgs, assertNotCommitted, cleanArgs, NO_KEPT_PATHS, trackedAmong, writeExcludeFile, type KeptPaths } from './kept-paths.js';
import { acquireLock, type LockHandle } from './lock.js';
import { headOf, mergeOne } from './merge.js';
import { Mirror } from './mirror.js';
import { slotDir } from './paths.js';
import { pushBranch, diffStat, remoteRef, type DiffStat } from './push.js';
import { diffText } from './diff-text.js';
import { clearStaleGitState, preserveSlotRefs, salvageWorktree, type SalvageInfo } from './salvage.js';
import { changedSince } from './scan.js';
import { forgetSetup, recordSetup, setupHolds, setupKey } from './setup-key.js';
import { createSlotRepo, rebuildSlotRepo, slotGitDir, slotRepoMirror, trustSlotRepo } from './slot-repo.js';
import { retireSlotDir } from './slot-retire.js';
import { readState, writeState, type SlotState } from './slot-state.js';
import { normalizeRepoUrl } from './url.js';

export { adminDirOf } from './worktree-admin.js';
export { slotRepoMirror } from './slot-repo.js';

export interface WorkspaceOptions {
  /** agentfleet home on this host, e.g. ~/.agentfleet. */
  home: string;
  /** Stable slot name, e.g. "local-3": one persistent worktree per slot. */
  slot: string;
  /** "Name <email>" for host-side commits. */
  author: string;
  logger?: Logger;
}

export interface PrepareRequest {
  runId: string;
  taskId: string;
  jobId: string;
  title: string;
  /** Where the base comes from: a path, file://, ssh:// or https:// URL (or scp-like user@host:path). */
  repoUrl: string;
  /** Where dependency results were pushed (`repo.push`); defaults to repoUrl. */
  pushUrl?: string;
  /** Resolved at submit (see resolveRef). */
  baseCommit: string;
  /** Results of the dependencies, in topological order; empty when the task has inherit: false. */
  deps: { taskId: string; commit: string }[];
  /** 'keep-ignored' keeps ignored files (node_modules, build caches) between tasks. */
  clean: 'all' | 'keep-ignored';
  /** "Name <email>" for this task's merge commits (the run's git.author); default: the slot's. */
  author?: string;
  /** Stops fetches when the task is stopped (cancel, timeout, shutdown). */
  signal?: AbortSignal;
  /** Paths the clean spares and commits leave out (the setup's keep, host files). */
  kept?: KeptPaths;
}

export interface PreparedWorkspace {
  dir: string;
  /** The commit the task starts from: baseCommit with the dependency results merged in. */
  base: string;
}

export interface PublishRequest {
  runId: string;
  taskId: string;
  title: string;
  pushUrl: string;
  /** PreparedWorkspace.base: the diff stat is measured against it. */
  base: string;
  /** "Name <email>" for the host-side commit (the run's git.author); default: the slot's. */
  author?: string;
}

export interface PublishedResult {
  branch: string;
  commit: string;
  diff: DiffStat;
}

const SLOT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/**
 * One worker slot's persistent workspace: a repository of its own (slot-repo.ts) that borrows
 * the host mirror's objects. Its first task creates it; later tasks switch it with checkout +
 * clean, so only files that differ are rewritten. Used by one process at a time (an
 * inter-process slot lock from prepare() to release()).
 */
export class SlotWorkspace {
  readonly slot: string;
  readonly home: string;
  /** The worktree directory: `<home>/slots/<slot>/wt`. */
  readonly dir: string;
  private readonly slotPath: string;
  private readonly identity: Identity;
  private readonly env: Record<string, string>;
  private readonly logger?: Logger;
  private lock?: LockHandle;
  private mirror?: Mirror;
  /** who the slot repository's config names (the run's git.author): agents' own commits carry it */
  private who: Identity;
  private state?: SlotState;
  private kept: KeptPaths = NO_KEPT_PATHS;
  /** The slot's directory (state, lock, exclude file): `<home>/slots/<slot>`. */
  readonly path: string;

  constructor(opts: WorkspaceOptions) {
    if (!SLOT_PATTERN.test(opts.slot)) throw new FleetError('workspace_error', `invalid slot name '${opts.slot}'`, { slot: opts.slot });
    this.slot = opts.slot;
    this.home = resolve(opts.home);
    this.slotPath = slotDir(this.home, opts.slot);
    this.dir = join(this.slotPath, 'wt');
    this.path = this.slotPath;
    this.identity = parseAuthor(opts.author);
    this.who = this.identity;
    this.env = authorEnv(this.identity);
    this.logger = opts.logger?.child({ slot: opts.slot });
  }

  async prepare(req: PrepareRequest): Promise<PreparedWorkspace> {
    validatePrepare(req);
    mkdirSync(this.slotPath, { recursive: true });
    this.lock = await acquireLock(join(this.slotPath, 'lock'), { waitMs: 0, reentrant: true, purpose: `slot ${this.slot} job ${req.jobId}` });
    const tookOver = this.lock.tookOverFrom;
    if (tookOver !== undefined) this.logger?.warn({ deadPid: tookOver }, 'slot was held by a process that died; repairing it');
    const started = Date.now();
    const repoUrl = normalizeRepoUrl(req.repoUrl);
    const resultsUrl = normalizeRepoUrl(req.pushUrl ?? req.repoUrl);
    const mirror = await Mirror.open({ home: this.home, url: repoUrl, author: this.identity, logger: this.logger, signal: req.signal });
    this.mirror = mirror;
    this.who = req.author ? parseAuthor(req.author) : this.identity;
    this.kept = req.kept ?? NO_KEPT_PATHS;
    writeExcludeFile(this.slotPath, this.kept);
    const deps = req.deps.map((d) => ({ taskId: d.taskId, commit: d.commit.toLowerCase(), branch: branchOf(req.runId, d.taskId) }));
    await mirror.ensureCommits([req.baseCommit], deps, resultsUrl, req.signal);

    const prev = readState(this.slotPath);
    const fresh = slotRepoMirror(this.dir) !== mirror.dir;
    if (fresh) {
      await retireSlotDir({ dir: this.dir, slotPath: this.slotPath, identity: this.identity, salvage: this.salvageInfo({ phase: 'ready', ...prev, at: '' }), logger: this.logger });
      await this.createRepo(mirror, req.baseCommit);
    }

    const ids = { repoUrl, runId: req.runId, taskId: req.taskId, jobId: req.jobId };
    if (!fresh) {
      await this.trust(prev?.base ?? req.baseCommit);
      const unclean = tookOver !== undefined || !prev || prev.phase === 'preparing' || prev.phase === 'ready';
      if (unclean) await this.repair(prev);
      this.state = writeState(this.slotPath, { phase: 'preparing', ...ids });
      await this.switchTo(req.baseCommit, req.clean);
    } else {
      this.state = writeState(this.slotPath, { phase: 'preparing', ...ids });
    }

    let base = req.baseCommit;
    if (deps.length > 0) {
      for (const dep of deps) {
        const conflict = await mergeOne(this.dir, dep, `fleet: ${req.runId}/${req.taskId}: merge ${dep.taskId}`, this.envFor(req.author));
        if (!conflict) continue;
        await this.switchTo(req.baseCommit, req.clean);
        this.state = writeState(this.slotPath, { phase: 'idle', ...ids, head: req.baseCommit });
        const paths = conflict.paths;
        throw new FleetError(
          'merge_conflict',
          `task ${req.taskId}: merging the result of ${dep.taskId} (${dep.commit.slice(0, 12)}) conflicts in ${paths.join(', ')}`,
          { taskId: req.taskId, dependency: dep.taskId, commit: dep.commit, paths },
        );
      }
      base = await headOf(this.dir);
    }
    const leaseTip = (await remoteRef(this.dir, resultsUrl, `refs/heads/${branchOf(req.runId, req.taskId)}`)) ?? '';
    this.state = writeState(this.slotPath, { phase: 'ready', ...ids, base, head: base, leaseTip });
    mirror.touch();
    this.logger?.debug({ job: req.jobId, base, fresh, ms: Date.now() - started }, 'workspace ready');
    return { dir: this.dir, base };
  }

  async publish(req: PublishRequest): Promise<PublishedResult> {
    const st = this.state;
    if (!st || !this.mirror || st.runId !== req.runId || st.taskId !== req.taskId || (st.phase !== 'ready' && st.phase !== 'published')) {
      const holds = st ? `${st.runId ?? '?'}/${st.taskId ?? '?'} (${st.phase})` : 'nothing';
      throw new FleetError('workspace_error', `publish of ${req.runId}/${req.taskId}: slot ${this.slot} holds ${holds}; call prepare() first`, { slot: this.slot });
    }
    if (!SHA_PATTERN.test(req.base)) throw new FleetError('workspace_error', `publish of ${req.runId}/${req.taskId}: base '${req.base}' is not a commit id`);
    const pushUrl = normalizeRepoUrl(req.pushUrl);
    await this.trust(st.base ?? req.base);
    await git(addAllArgs(this.kept.neverCommit), { cwd: this.dir });
    const staged = (await git(['diff', '--cached', '--quiet'], { cwd: this.dir, okCodes: [1] })).code === 1;
    if (staged) {
      const message = `fleet: ${req.runId}/${req.taskId}: ${oneLine(req.title) || req.taskId}`;
      await git(['-c', 'core.hooksPath=/dev/null', 'commit', '-q', '--no-verify', '-m', message], { cwd: this.dir, env: this.envFor(req.author) });
    }
    const commit = await headOf(this.dir);
    await assertNotCommitted(this.dir, req.base, commit, this.kept.neverCommit.filter((p) => !this.kept.keep.includes(p)), req.taskId);
    const branch = branchOf(req.runId, req.taskId);
    // Leased on the tip seen when the attempt started (see SlotState.leaseTip).
    await pushBranch(this.dir, pushUrl, branch, commit, st.leaseTip === undefined ? {} : { expect: st.leaseTip || null });
    await this.mirror.recordResult(branch, commit, pushUrl, this.dir);
    const diff = await diffStat(this.dir, req.base, commit);
    this.state = writeState(this.slotPath, { ...st, phase: 'published', head: commit, leaseTip: commit });
    this.logger?.info({ branch, commit, diff }, 'result pushed');
    return { branch, commit, diff };
  }

  /** The setup's key at the prepared base, and whether the slot's last setup still holds for it. */
  async setupState(parts: { run: string; key: readonly string[] }): Promise<{ key: string; holds: boolean }> {
    const key = await setupKey(this.dir, { ...parts, repoUrl: this.state?.repoUrl ?? '', keep: this.kept.keep });
    return { key, holds: setupHolds(this.slotPath, this.dir, key, this.kept.keep) };
  }

  /** Records the setup's outcome: a success holds for later tasks with the same key. */
  setupEnded(key: string, ok: boolean): void {
    if (ok) recordSetup(this.slotPath, key);
    else forgetSetup(this.slotPath);
  }

  /** Of `paths`, those the prepared base tracks (a host file may not overwrite one). */
  tracked(paths: readonly string[]): Promise<string[]> {
    return trackedAmong(this.dir, paths);
  }

  /**
   * Before the worker runs git in the slot itself, after a sandboxed process could change its
   * .git: config, hooks and alternates put back (slot-repo.ts); a .git broken beyond that is
   * made again at `head` (default: the prepared base), the task's files kept.
   */
  async trust(head?: string): Promise<void> {
    const mirror = this.mirror;
    if (!mirror || trustSlotRepo(this.dir, mirror.dir, this.who)) return;
    const at = head ?? this.state?.base ?? this.state?.head;
    if (!at) throw new FleetError('workspace_error', `slot ${this.slot}: its repository's .git is broken and no base is known to rebuild it at`, { slot: this.slot });
    await rebuildSlotRepo(this.dir, mirror.dir, this.who, at);
    this.logger?.warn({ at }, 'the slot repository\'s .git was broken by a task process: made again at its base, the files kept');
  }

  /** The mirror's objects the slot repository borrows (a sandbox mounts them read-only); undefined before prepare(). */
  get borrowedObjects(): string | undefined {
    return this.mirror ? join(this.mirror.dir, 'objects') : undefined;
  }

  /** The task's changes since `base` as a unified diff (what a reviewer reads). */
  async diff(base: string): Promise<string> {
    await this.trust();
    return diffText(this.dir, base);
  }

  /** The worktree holds nothing to salvage: what the merge queue committed there merges pushed results. */
  settle(): void {
    if (this.state) this.state = writeState(this.slotPath, { ...this.state, phase: 'published' });
  }

  private envFor(author: string | undefined): Record<string, string> {
    return author ? authorEnv(parseAuthor(author)) : this.env;
  }

  /** Unlocks the worktree and the slot. Work left by a task that did not publish is salvaged first. */
  async release(): Promise<void> {
    if (!this.lock) return;
    try {
      if (this.mirror && slotRepoMirror(this.dir) === this.mirror.dir) {
        await this.trust();
        if (this.state?.phase === 'ready') {
          await this.salvage(this.state);
          this.state = writeState(this.slotPath, { ...this.state, phase: 'idle' });
        }
        const kept = await preserveSlotRefs(this.dir, this.mirror.dir);
        if (kept.length) this.logger?.warn({ kept }, 'kept commits only branches or tags of the task held (the janitor pushes them to rescue branches)');
      }
    } finally {
      this.lock.release();
      this.lock = undefined;
    }
  }

  /** Stall detection: did any file of the worktree change after `ms` (epoch milliseconds)? */
  changedSince(ms: number): Promise<boolean> {
    return changedSince(this.dir, ms);
  }

  /** Checkout + clean: rewrites only files that differ, removes what the last task left. */
  private async switchTo(commit: string, clean: PrepareRequest['clean']): Promise<void> {
    await git(['checkout', '-q', '-f', '--detach', commit], { cwd: this.dir });
    await git(cleanArgs(clean, this.kept.keep), { cwd: this.dir });
  }

  /** After a crash or a task that did not publish: clear git's stale state, keep any work. */
  private async repair(prev: SlotState | undefined): Promise<void> {
    const cleared = clearStaleGitState(slotGitDir(this.dir));
    if (cleared.length > 0) this.logger?.warn({ cleared }, 'cleared state left by an interrupted git');
    // No state at all: what the worktree holds is unknown, so treat it as work.
    if (!prev || prev.phase === 'ready') await this.salvage(prev ?? { phase: 'ready', at: '' });
  }

  private async salvage(st: SlotState): Promise<void> {
    clearStaleGitState(slotGitDir(this.dir));
    const saved = await salvageWorktree(this.dir, { ...this.salvageInfo(st), mirror: this.mirror!.dir });
    if (saved) this.logger?.warn({ ...saved }, 'kept unpublished work of the previous task (the janitor pushes it to a rescue branch)');
  }

  private salvageInfo(st: SlotState): Omit<SalvageInfo, 'mirror'> {
    const label = st.runId && st.taskId ? `${st.runId}/${st.taskId}` : `slot-${this.slot}`;
    return {
      label,
      message: `fleet: ${label}: unpublished work of job ${st.jobId ?? '?'} (salvaged on slot ${this.slot})`,
      env: this.env,
      exclude: st.base ? [st.base] : [],
      skipPaths: this.kept.neverCommit,
    };
  }

  /** The slot's repository, new, at `commit` (the slot's first task, or its first of another repository). */
  private async createRepo(mirror: Mirror, commit: string): Promise<void> {
    const started = Date.now();
    await createSlotRepo(this.dir, mirror.dir, this.who);
    await git(['checkout', '-q', '-f', '--detach', commit], { cwd: this.dir });
    this.logger?.info({ dir: this.dir, ms: Date.now() - started }, 'slot repository created');
  }
}

function validatePrepare(req: PrepareRequest): void {
  const bad = (what: string) => new FleetError('workspace_error', `prepare ${req.runId}/${req.taskId}: ${what}`, { runId: req.runId, taskId: req.taskId });
  if (!isRunId(req.runId)) throw bad(`invalid run id '${req.runId}'`);
  if (!isTaskId(req.taskId)) throw bad(`invalid task id '${req.taskId}'`);
  if (!SHA_PATTERN.test(req.baseCommit.toLowerCase())) throw bad(`base '${req.baseCommit}' is not a full commit id (resolve it with resolveRef at submit)`);
  if (req.clean !== 'all' && req.clean !== 'keep-ignored') throw bad(`clean must be 'all' or 'keep-ignored', got '${String(req.clean)}'`);
  for (const d of req.deps) {
    if (!isTaskId(d.taskId)) throw bad(`invalid dependency id '${d.taskId}'`);
    if (!SHA_PATTERN.test(d.commit.toLowerCase())) throw bad(`dependency ${d.taskId}: '${d.commit}' is not a full commit id`);
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 200);
}

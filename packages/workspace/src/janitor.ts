import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '@agentfleet/telemetry';
import { git } from './git.js';
import { acquireLock, isStale, pidAlive, readLock } from './lock.js';
import { MIRROR_STAMP, UNPUSHED, integrateDir, mirrorLockFile, mirrorsDir, slotsDir } from './paths.js';
import { clearStaleGitState, preserveLocalRefs, preserveSlotRefs, rescueUnpushed, salvageAdminHead, salvageWorktree, type Rescued } from './salvage.js';
import { readExcludeFile } from './kept-paths.js';
import { slotGitDir, slotRepoMirror, trustSlotRepo } from './slot-repo.js';
import { readState, stateFile } from './slot-state.js';
import { adminDirOf } from './worktree-admin.js';
import { diskFree } from './disk.js';

export interface JanitorOptions {
  home: string;
  /** Slot names that live workers use right now: never touched. */
  inUse?: Set<string>;
  logger?: Logger;
  /** A slot unused this long (and not in use) is removed. Default 24 h. */
  slotIdleMs?: number;
  /** A mirror no worktree uses and unused this long is removed. Default 7 days. */
  mirrorIdleMs?: number;
  /** Author of salvage commits. */
  author?: { name: string; email: string };
}

export interface JanitorReport {
  slotsRemoved: string[];
  slotsKept: { slot: string; reason: string }[];
  mirrorsRemoved: string[];
  mirrorsKept: { mirror: string; reason: string }[];
  /** Unpublished work pushed to fleet/rescue/... branches. */
  rescued: Rescued[];
  /** Unpublished work that could not be pushed: kept on this host. */
  unpushed: { mirror: string; ref: string; commit: string; error: string }[];
  errors: string[];
  freeBytes: number;
}

const HOUR = 3_600_000;
/** A git lock file this old has no live owner: git holds them for milliseconds. */
const STALE_GIT_LOCK_MS = 10 * 60_000;

/** `<mirror>/worktrees/<name>` -> `<mirror>` */
function mirrorOfAdmin(admin: string): string {
  return dirname(dirname(admin));
}

function mtimeMs(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Run on daemon start and hourly: removes slots and mirrors nobody uses, and never a commit
 * that no remote has: such work is pushed to fleet/rescue/... first, or its worktree (and
 * mirror) is kept when that push fails.
 */
export async function runJanitor(opts: JanitorOptions): Promise<JanitorReport> {
  return new Janitor(opts).run();
}

/** One janitor round, in the order that keeps work safe: salvage, push, then remove. */
class Janitor {
  private readonly report: JanitorReport = { slotsRemoved: [], slotsKept: [], mirrorsRemoved: [], mirrorsKept: [], rescued: [], unpushed: [], errors: [], freeBytes: 0 };
  private readonly now = Date.now();
  private readonly env: Record<string, string>;

  constructor(private readonly opts: JanitorOptions) {
    const { name, email } = opts.author ?? { name: 'agentfleet', email: 'fleet@localhost' };
    this.env = { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
  }

  async run(): Promise<JanitorReport> {
    // 1. Slots: salvage what an unused slot holds, then remove its worktree.
    const retiring: Retiring[] = [];
    for (const slot of list(slotsDir(this.opts.home))) {
      const r = await this.retiring(slot);
      if (r) retiring.push(r);
    }
    // 2. Mirrors: keep the commits of vanished worktrees, push preserved work, prune.
    const mirrors = list(mirrorsDir(this.opts.home)).filter((n) => n.endsWith('.git')).map((n) => join(mirrorsDir(this.opts.home), n));
    for (const mirror of mirrors) await this.tendMirror(mirror);
    // 3. Remove retiring slots whose work is safe: on a remote now, or nothing was there.
    for (const r of retiring) await this.removeSlot(r);
    // 4. Remove mirrors nothing uses any more.
    const used = this.usedMirrors();
    for (const mirror of mirrors) await this.removeMirrorIfUnused(mirror, used);
    // 5. Leftovers of interrupted operations.
    removeLeftovers(this.opts.home, this.now, this.report);
    this.report.freeBytes = await diskFree(this.opts.home).catch(() => 0);
    return this.report;
  }

  private keepSlot(slot: string, reason: string): undefined {
    this.report.slotsKept.push({ slot, reason });
    return undefined;
  }

  /** A slot nobody uses, its leftovers salvaged: ready to remove once its work is safe. */
  private async retiring(slot: string): Promise<Retiring | undefined> {
    const path = join(slotsDir(this.opts.home), slot);
    const lockFile = join(path, 'lock');
    const lock = readLock(lockFile);
    if (this.opts.inUse?.has(slot)) return this.keepSlot(slot, 'in use');
    if (existsSync(lockFile) && !isStale(lockFile, lock)) return this.keepSlot(slot, `locked by pid ${lock?.pid ?? '?'}`);
    const lastUse = Math.max(mtimeMs(stateFile(path)), mtimeMs(lockFile), mtimeMs(path));
    if (this.now - lastUse < (this.opts.slotIdleMs ?? 24 * HOUR)) return this.keepSlot(slot, 'recently used');
    const wt = join(path, 'wt');
    const mirror = slotRepoMirror(wt);
    const admin = mirror ? undefined : adminDirOf(wt);
    if (!mirror && !admin) return existsSync(wt) ? this.keepSlot(slot, 'worktree unreadable by git: left for a person to look at') : { slot, path, wt };
    try {
      const st = readState(path);
      const label = st?.runId && st.taskId ? `${st.runId}/${st.taskId}` : `slot-${slot}`;
      const info = { label, message: `fleet: ${label}: work left on slot ${slot} (salvaged by the janitor)`, env: this.env, exclude: st?.base ? [st.base] : [], skipPaths: readExcludeFile(path) };
      if (mirror) await salvageSlotRepo(wt, mirror, info, this.opts.author);
      else {
        clearStaleGitState(admin!);
        await salvageWorktree(wt, info);
      }
    } catch (e) {
      return this.keepSlot(slot, `cannot check for unpublished work: ${(e as Error).message}`);
    }
    return { slot, path, wt, admin, mirror };
  }

  private async tendMirror(mirror: string): Promise<void> {
    try {
      for (const name of list(join(mirror, 'worktrees'))) {
        const admin = join(mirror, 'worktrees', name);
        let wtPath = '';
        try {
          wtPath = readFileSync(join(admin, 'gitdir'), 'utf8').trim();
        } catch {
          // no gitdir file: git prunes it; its HEAD is still checked first
        }
        if (!wtPath || !existsSync(wtPath)) {
          await salvageAdminHead(mirror, admin, `lost-worktree-${name}`);
          rmSync(join(admin, 'locked'), { force: true });
        }
      }
      await git(['worktree', 'prune'], { cwd: mirror });
      await preserveLocalRefs(mirror);
      const rescue = await rescueUnpushed(mirror, this.opts.logger);
      this.report.rescued.push(...rescue.rescued);
      for (const f of rescue.failed) this.report.unpushed.push({ mirror, ...f });
    } catch (e) {
      this.report.errors.push(`${mirror}: ${(e as Error).message}`);
    }
  }

  private async removeSlot(r: Retiring): Promise<void> {
    try {
      if ((r.admin || r.mirror) && (await unpushedCount(r)) !== '0') {
        this.report.slotsKept.push({ slot: r.slot, reason: 'holds work that could not be pushed' });
        return;
      }
      if (r.admin) {
        rmSync(join(r.admin, 'locked'), { force: true });
        await git(['worktree', 'remove', '--force', '--force', r.wt], { cwd: mirrorOfAdmin(r.admin) });
      }
      rmSync(r.path, { recursive: true, force: true });
      this.report.slotsRemoved.push(r.slot);
      this.opts.logger?.info({ slot: r.slot }, 'janitor removed an unused slot');
    } catch (e) {
      this.report.errors.push(`slot ${r.slot}: ${(e as Error).message}`);
    }
  }

  /** The mirrors the slots left after this round borrow from or are worktrees of. */
  private usedMirrors(): Set<string> {
    const used = new Set<string>();
    for (const slot of list(slotsDir(this.opts.home))) {
      const wt = join(slotsDir(this.opts.home), slot, 'wt');
      const mirror = slotRepoMirror(wt);
      const admin = mirror ? undefined : adminDirOf(wt);
      if (mirror) used.add(mirror);
      if (admin) used.add(mirrorOfAdmin(admin));
    }
    return used;
  }

  private async removeMirrorIfUnused(mirror: string, used: Set<string>): Promise<void> {
    const idleMs = this.opts.mirrorIdleMs ?? 7 * 24 * HOUR;
    const reason = await mirrorKeepReason(mirror, used, this.now, idleMs);
    if (reason) {
      this.report.mirrorsKept.push({ mirror, reason });
      return;
    }
    const lock = await acquireLock(mirrorLockFile(mirror), { waitMs: 0, purpose: 'janitor' }).catch(() => undefined);
    if (!lock) {
      this.report.mirrorsKept.push({ mirror, reason: 'busy' });
      return;
    }
    try {
      // Re-check under the lock: a worker may have started using it meanwhile.
      const late = await mirrorKeepReason(mirror, used, Date.now(), idleMs);
      if (late) this.report.mirrorsKept.push({ mirror, reason: late });
      else {
        rmSync(mirror, { recursive: true, force: true });
        this.report.mirrorsRemoved.push(mirror);
        this.opts.logger?.info({ mirror }, 'janitor removed an unused mirror');
      }
    } finally {
      lock.release();
    }
  }
}

interface Retiring {
  slot: string;
  path: string;
  wt: string;
  /** a linked worktree (the layout before per-slot repositories): its admin dir in the mirror */
  admin?: string;
  /** a slot repository: the mirror it borrows from */
  mirror?: string;
}

/** A slot repository's leftovers committed and preserved in its mirror, with the branches its tasks made. */
async function salvageSlotRepo(wt: string, mirror: string, info: Parameters<typeof salvageWorktree>[1], author: JanitorOptions['author']): Promise<void> {
  if (!existsSync(mirror)) throw new Error(`its mirror ${mirror} is gone`);
  if (!trustSlotRepo(wt, mirror, author)) throw new Error('its .git is broken');
  clearStaleGitState(slotGitDir(wt));
  await salvageWorktree(wt, { ...info, mirror });
  await preserveSlotRefs(wt, mirror);
}

/** Commits of the slot's HEAD that no remote holds yet (preserved-but-unpushed work counts as not pushed). */
async function unpushedCount(r: Retiring): Promise<string> {
  const base = readState(r.path)?.base;
  const not = r.mirror ? ['-c', 'core.alternateRefsPrefixes=refs/remotes/', 'rev-list', '--count', 'HEAD', '--not', '--alternate-refs'] : ['rev-list', '--count', 'HEAD', '--not', '--remotes'];
  return (await git([...not, ...(base ? [base] : [])], { cwd: r.wt })).stdout.trim();
}

async function mirrorKeepReason(mirror: string, used: Set<string>, now: number, idleMs: number): Promise<string | undefined> {
  if (used.has(mirror)) return 'used by a slot';
  if (list(join(mirror, 'worktrees')).length > 0) return 'has worktrees';
  const refs = await git(['for-each-ref', '--count=1', '--format=%(refname)', UNPUSHED], { cwd: mirror }).catch(() => ({ stdout: '?' }));
  if (refs.stdout.trim()) return 'holds unpushed work';
  if (now - mtimeMs(join(mirror, MIRROR_STAMP)) < idleMs) return 'recently used';
  return undefined;
}

function removeLeftovers(home: string, now: number, report: JanitorReport): void {
  const mdir = mirrorsDir(home);
  for (const name of list(mdir)) {
    const p = join(mdir, name);
    // Half-made mirrors of a process that died.
    const tmp = /\.git\.tmp-(\d+)$/.exec(name);
    if (tmp && !pidAlive(Number(tmp[1]))) rmSync(p, { recursive: true, force: true });
    if (name.endsWith('.lock') && isStale(p, readLock(p))) rmSync(p, { force: true });
    // git's own lock files in a mirror, left by a git that was killed.
    if (name.endsWith('.git')) {
      for (const f of ['packed-refs.lock', 'config.lock', 'shallow.lock', 'index.lock']) {
        const lf = join(p, f);
        if (existsSync(lf) && now - mtimeMs(lf) > STALE_GIT_LOCK_MS) rmSync(lf, { force: true });
      }
    }
  }
  // Scratch worktrees of integrations that died: their registration was pruned above.
  for (const name of list(integrateDir(home))) {
    const p = join(integrateDir(home), name);
    if (!existsSync(join(p, '.git')) || now - mtimeMs(p) > 24 * HOUR) {
      try {
        rmSync(p, { recursive: true, force: true });
      } catch (e) {
        report.errors.push(`${p}: ${(e as Error).message}`);
      }
    }
  }
}

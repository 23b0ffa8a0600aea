// Making room for a slot's new repository: whatever the slot directory holds (a repository of
// another mirror, a linked worktree of the layout before per-slot repositories, or something
// git cannot read) has its work kept first, then goes.
import { existsSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '@agentfleet/telemetry';
import { git, type Identity } from './git.js';
import { clearStaleGitState, preserveSlotRefs, salvageWorktree, type SalvageInfo } from './salvage.js';
import { slotGitDir, slotRepoMirror, trustSlotRepo } from './slot-repo.js';
import { adminDirOf } from './worktree-admin.js';

export interface RetireOptions {
  /** the slot's work tree, `<slot>/wt` */
  dir: string;
  /** the slot's directory (where an unreadable work tree is moved aside) */
  slotPath: string;
  identity: Identity;
  /** label, message and paths of the salvage commit of what the work tree holds */
  salvage: Omit<SalvageInfo, 'mirror'>;
  logger?: Logger;
}

/** Keeps the work of what the slot holds, then removes it; what git cannot read is moved aside, never deleted. */
export async function retireSlotDir(o: RetireOptions): Promise<void> {
  try {
    if (await retireSlotRepo(o) || await retireLinkedWorktree(o)) return;
  } catch (e) {
    o.logger?.error({ err: (e as Error).message }, 'cannot retire the slot\'s old repository; moving it aside');
  }
  if (existsSync(o.dir)) {
    const aside = join(o.slotPath, `orphan-${Date.now()}`);
    renameSync(o.dir, aside);
    o.logger?.warn({ aside }, 'slot directory was not a usable repository; moved aside');
  }
}

/** A repository of another mirror (the slot moves to a new repository): its work goes into that mirror. */
async function retireSlotRepo(o: RetireOptions): Promise<boolean> {
  const mirror = slotRepoMirror(o.dir);
  if (!mirror || !existsSync(mirror) || !trustSlotRepo(o.dir, mirror, o.identity)) return false;
  clearStaleGitState(slotGitDir(o.dir));
  await salvageWorktree(o.dir, { ...o.salvage, mirror });
  await preserveSlotRefs(o.dir, mirror);
  rmSync(o.dir, { recursive: true, force: true });
  return true;
}

/** A linked worktree of a mirror (before per-slot repositories): its work is kept in the mirror's refs. */
async function retireLinkedWorktree(o: RetireOptions): Promise<boolean> {
  const admin = adminDirOf(o.dir);
  if (!admin) return false;
  clearStaleGitState(admin);
  await salvageWorktree(o.dir, o.salvage);
  try {
    unlinkSync(join(admin, 'locked'));
  } catch {
    // not locked
  }
  await git(['worktree', 'remove', '--force', '--force', o.dir], { cwd: dirname(dirname(admin)) });
  return true;
}

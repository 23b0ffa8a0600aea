import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// A linked worktree's admin dir (in its mirror's worktrees/): how a slot finds, checks and
// re-registers its worktree.

/** Reads `<wt>/.git` ("gitdir: ...") and checks the admin dir points back at this worktree. */
export function adminDirOf(wt: string): string | undefined {
  let dotgit: string;
  try {
    dotgit = readFileSync(join(wt, '.git'), 'utf8');
  } catch {
    return undefined;
  }
  const m = /^gitdir: (.+)$/m.exec(dotgit);
  if (!m?.[1]) return undefined;
  const admin = resolve(wt, m[1].trim());
  try {
    const back = readFileSync(join(admin, 'gitdir'), 'utf8').trim();
    if (resolve(admin, back) !== join(wt, '.git')) return undefined;
    if (!existsSync(join(admin, 'HEAD'))) return undefined;
  } catch {
    return undefined;
  }
  return admin;
}

/** The admin dir in `mirror` registered for worktree path `wt`, if any. */
export function findRegistration(mirror: string, wt: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(join(mirror, 'worktrees'));
  } catch {
    return undefined;
  }
  for (const n of names) {
    const admin = join(mirror, 'worktrees', n);
    try {
      if (resolve(admin, readFileSync(join(admin, 'gitdir'), 'utf8').trim()) === join(wt, '.git')) return admin;
    } catch {
      // unreadable registration: not ours
    }
  }
  return undefined;
}

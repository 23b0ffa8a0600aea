import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * True when any file or directory under `root` (ignoring .git) was modified, created, renamed
 * or deleted after `sinceMs`. A directory's mtime moves when entries appear or vanish in it,
 * so one lstat per entry covers all of these. Stops at the first hit.
 */
export async function changedSince(root: string, sinceMs: number): Promise<boolean> {
  const found = { hit: false };
  await walk(root, sinceMs, found, true);
  return found.hit;
}

async function walk(dir: string, since: number, found: { hit: boolean }, isRoot: boolean): Promise<void> {
  if (found.hit) return;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // vanished while scanning: its parent's mtime tells
  }
  const subdirs: string[] = [];
  const stats: Promise<void>[] = [];
  for (const e of entries) {
    if (e.name === '.git') continue;
    const p = join(dir, e.name);
    stats.push(
      lstat(p).then(
        (st) => {
          if (Math.max(st.mtimeMs, st.ctimeMs) > since) found.hit = true;
        },
        () => undefined,
      ),
    );
    if (e.isDirectory()) subdirs.push(p);
  }
  if (isRoot) {
    stats.push(lstat(dir).then((st) => { if (st.mtimeMs > since) found.hit = true; }, () => undefined));
  }
  await Promise.all(stats);
  for (const d of subdirs) {
    if (found.hit) return;
    await walk(d, since, found, false);
  }
}

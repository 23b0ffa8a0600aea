import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { FleetError, type HiddenFile, type HiddenFilesRef } from '@agentfleet/core';

/** What was in place before the hidden files went in: enough to put the workspace back as the agent left it. */
interface Placement {
  dir: string;
  /** the paths placed so far (or about to be); the earlier content at paths[i] (the agent's, or the repository's) waits in aside/<i> */
  paths: string[];
  /** folders made for the hidden files, deepest first (removed again when empty) */
  made: string[];
}

const inside = (root: string, p: string) => {
  const rel = relative(root, p);
  return rel !== '' && !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`);
};

/**
 * An eval case's hidden files (the tests that decide it), in the workspace only while the
 * checks run: copied in right before them, over anything the agent put at their paths, and
 * taken out right after, before any fix round and before the result is committed, the
 * workspace put back as the agent left it. A note in the slot (`<slot>/hidden/placed.json`)
 * says what is in place, so a worker killed during the checks leaves nothing behind for the
 * next task's salvage: `repair` puts the workspace back first.
 */
export class HiddenFiles {
  private files: HiddenFile[] | undefined;

  constructor(
    private readonly ref: HiddenFilesRef,
    /** the slot's own directory: the note and what was set aside live there, beside the worktree */
    private readonly slotPath: string,
    private readonly fetch: (evalId: string, caseId: string) => Promise<HiddenFile[] | null>,
  ) {}

  /** Runs the checks with the hidden files in place; the workspace is as the agent left it afterwards, whatever the end. */
  async around<T>(dir: string, checks: () => Promise<T>, step: (detail: string) => void): Promise<T> {
    const files = await this.load();
    const placement = this.place(dir, files);
    step(`${files.length} placed for the checks`);
    try {
      return await checks();
    } finally {
      restore(this.slotPath, placement);
      step('removed: the workspace is as the agent left it');
    }
  }

  private async load(): Promise<HiddenFile[]> {
    if (this.files) return this.files;
    const files = await this.fetch(this.ref.evalId, this.ref.caseId);
    if (!files) throw new FleetError('setup_failed', `case ${this.ref.caseId} of eval ${this.ref.evalId}: its hidden files are gone from Redis (the eval has ended); its checks cannot run without them`);
    return (this.files = files);
  }

  private place(dir: string, files: readonly HiddenFile[]): Placement {
    const root = realpathSync(dir);
    const placement: Placement = { dir: root, paths: [], made: [] };
    const asideDir = join(this.slotPath, 'hidden', 'aside');
    rmSync(join(this.slotPath, 'hidden'), { recursive: true, force: true });
    mkdirSync(asideDir, { recursive: true });
    // the note first: a kill from here on is repaired before the slot's next task
    writeNote(this.slotPath, placement);
    try {
      files.forEach((f, i) => this.placeOne(root, f, i, placement, asideDir));
    } catch (e) {
      // a file refused halfway: what went in comes out again
      restore(this.slotPath, placement);
      throw e;
    }
    return placement;
  }

  private placeOne(root: string, f: HiddenFile, i: number, placement: Placement, asideDir: string): void {
    const target = join(root, f.path);
    for (let d = dirname(target); inside(root, d) && !existsSync(d); d = dirname(d)) placement.made.push(d);
    mkdirSync(dirname(target), { recursive: true });
    if (!inside(root, join(realpathSync(dirname(target)), f.path.split('/').at(-1)!))) {
      throw new FleetError('setup_failed', `hidden file ${f.path}: its folder leads out of the workspace (a symlink); refusing to copy it`, { path: f.path });
    }
    // noted before anything moves: a kill from here on puts back what was set aside
    placement.paths.push(f.path);
    writeNote(this.slotPath, placement);
    if (lstatSync(target, { throwIfNoEntry: false })) renameSync(target, join(asideDir, String(i)));
    writeFileSync(target, Buffer.from(f.data, 'base64'));
    chmodSync(target, f.mode & 0o777);
  }

  /** After a worker died during the checks: the hidden files taken out, the agent's files put back. */
  static repair(slotPath: string): boolean {
    const note = join(slotPath, 'hidden', 'placed.json');
    if (!existsSync(note)) return false;
    restore(slotPath, JSON.parse(readFileSync(note, 'utf8')) as Placement);
    return true;
  }
}

function writeNote(slotPath: string, p: Placement): void {
  writeFileSync(join(slotPath, 'hidden', 'placed.json'), JSON.stringify(p));
}

function restore(slotPath: string, p: Placement): void {
  const asideDir = join(slotPath, 'hidden', 'aside');
  p.paths.forEach((path, i) => {
    const target = join(p.dir, path);
    rmSync(target, { recursive: true, force: true });
    if (lstatSync(join(asideDir, String(i)), { throwIfNoEntry: false })) renameSync(join(asideDir, String(i)), target);
  });
  for (const d of p.made) {
    try {
      rmdirSync(d);
    } catch {
      // not empty: something else lives there now
    }
  }
  rmSync(join(slotPath, 'hidden'), { recursive: true, force: true });
}

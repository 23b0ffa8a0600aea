import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './git.js';

/** What a slot last set up: the hash of the setup's key (see setupKey). */
interface SetupRecord {
  key: string;
  at: string;
}

const recordFile = (slotPath: string) => join(slotPath, 'setup.json');

/**
 * The setup's key at the checked-out commit: its command, its keep paths, the repository and
 * the blob ids of its key files (one `git ls-tree`, no file read). Equal keys: the slot's
 * last setup still holds.
 */
export async function setupKey(dir: string, parts: { repoUrl: string; run: string; keep: readonly string[]; key: readonly string[] }): Promise<string> {
  const tree = parts.key.length ? (await git(['ls-tree', '-r', '--full-tree', 'HEAD', '--', ...parts.key.map((p) => `:(top,literal)${p}`)], { cwd: dir })).stdout : '';
  return createHash('sha256').update(JSON.stringify([parts.repoUrl, parts.run, [...parts.keep].sort(), tree])).digest('hex');
}

/** Whether the slot's last setup had this key and its keep paths are all still there. */
export function setupHolds(slotPath: string, dir: string, key: string, keep: readonly string[]): boolean {
  let rec: SetupRecord;
  try {
    rec = JSON.parse(readFileSync(recordFile(slotPath), 'utf8')) as SetupRecord;
  } catch {
    return false;
  }
  return rec.key === key && keep.every((p) => existsSync(join(dir, p)));
}

export function recordSetup(slotPath: string, key: string): void {
  const tmp = `${recordFile(slotPath)}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ key, at: new Date().toISOString() } satisfies SetupRecord));
  renameSync(tmp, recordFile(slotPath));
}

/** Before a setup runs (and after one failed): until it succeeds, nothing is known to hold. */
export function forgetSetup(slotPath: string): void {
  rmSync(recordFile(slotPath), { force: true });
}

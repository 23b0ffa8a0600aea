// Scratch directories for tests. They are created under /dev/shm by default (memory: fast, and
// nothing is left on disk), or under the OS temp dir where /dev/shm does not exist (not Linux).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** /dev/shm on Linux, the OS temp dir elsewhere. */
export const TEMP_BASE = process.platform === 'linux' ? '/dev/shm' : tmpdir();

/** A new empty directory `af-<name>-XXXXXX` under /dev/shm (or `base`); remove it with removeDir. */
export function tempDir(name: string, base = TEMP_BASE): string {
  return mkdtempSync(join(base, `af-${name}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

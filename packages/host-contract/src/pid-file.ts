// The daemon's pid file: created whole or not at all (written to a temporary file, then
// hard-linked into place, which fails when it exists), so a reader never sees it half written.
// A holder that is no longer a live daemon is replaced; only the daemon it names removes it.
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { isHostdProcess } from './process-alive.js';

export function readPidFile(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').split('\n')[0]?.trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function tempNext(file: string, pid: number): string {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${pid}\n`, { mode: 0o600 });
  return tmp;
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/** Writes the pid file whatever it held (the launcher names the daemon it just started). */
export function writePidFile(file: string, pid: number): void {
  renameSync(tempNext(file, pid), file);
}

export type PidFileClaim = { taken: true } | { taken: false; holder: number };

/**
 * Takes the pid file for `pid`: created when absent, kept when it names `pid` already,
 * replaced when its holder is not alive; refused (naming the holder) when another one is.
 */
export function takePidFile(file: string, pid = process.pid, isLive: (pid: number) => boolean = isHostdProcess): PidFileClaim {
  for (let attempt = 0; attempt < 5; attempt++) {
    const tmp = tempNext(file, pid);
    try {
      linkSync(tmp, file);
      return { taken: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkQuiet(tmp);
    }
    const holder = readPidFile(file);
    if (holder === pid) return { taken: true };
    if (holder !== undefined && isLive(holder)) return { taken: false, holder };
    // Stale (or unreadable): remove it only if it still names the same dead holder.
    if (readPidFile(file) === holder) unlinkQuiet(file);
  }
  throw new Error(`cannot take ${file}: it keeps changing (another daemon starting at the same time?)`);
}

/** Removes the pid file if it still names `pid` (a successor's file is left alone). */
export function releasePidFile(file: string, pid = process.pid): boolean {
  if (readPidFile(file) !== pid) return false;
  unlinkQuiet(file);
  return true;
}

// An inter-process lock file (slot worktrees, mirrors, the launcher, the active daemon): created
// with O_EXCL, holding pid, host and a random token, so a holder that died (SIGKILL included)
// is told from a live one by its pid and its lock is taken over.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidAlive } from './process-alive.js';

/** What a lock file holds: enough to tell a live holder from a dead one on this host. */
export interface LockInfo {
  pid: number;
  host: string;
  token: string;
  at: string;
  purpose?: string;
}

export interface LockHandle {
  readonly file: string;
  readonly info: LockInfo;
  /** The pid of a dead holder whose lock was broken to take this one, if any. */
  readonly tookOverFrom?: number;
  release(): void;
}

export interface LockOptions {
  /** How long to wait for a live holder; 0 fails at once. */
  waitMs?: number;
  purpose?: string;
  /** Accept a lock already held by this very process (re-entrant per process). */
  reentrant?: boolean;
  /** Stop waiting (a LockBusyError) when this aborts. */
  signal?: AbortSignal;
  /** The error thrown for a busy lock (default: the LockBusyError itself). */
  busyError?: (e: LockBusyError) => Error;
}

/** A file whose content could not be read after this long belongs to a writer that died mid-write. */
const TORN_LOCK_MS = 5_000;
const BREAKER_STALE_MS = 10_000;

/** The lock is held by a live process and did not come free within the wait. */
export class LockBusyError extends Error {
  constructor(
    readonly file: string,
    readonly holder: LockInfo | undefined,
  ) {
    const who = holder ? `pid ${holder.pid} on ${holder.host}${holder.purpose ? ` (${holder.purpose})` : ''} since ${holder.at}` : 'another process';
    super(`lock ${file} is held by ${who}`);
    this.name = 'LockBusyError';
  }
}

export function readLock(file: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockInfo>;
    if (typeof parsed.pid !== 'number' || typeof parsed.token !== 'string') return undefined;
    return { pid: parsed.pid, host: String(parsed.host ?? ''), token: parsed.token, at: String(parsed.at ?? ''), purpose: parsed.purpose };
  } catch {
    return undefined;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** A lock is stale when its holder on this host is gone, or its file was never completed. */
export function isStale(file: string, info: LockInfo | undefined): boolean {
  if (!info) return ageMs(file) > TORN_LOCK_MS;
  return info.host === hostname() && !pidAlive(info.pid);
}

function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/**
 * Removes a stale lock. Two processes may find the same stale lock at once: a short-lived
 * breaker lock makes only one of them remove it, and only if it still holds the same token,
 * so a fresh lock taken in between is never removed by mistake.
 */
function breakStale(file: string, seen: LockInfo | undefined): boolean {
  const breaker = `${file}.break`;
  if (!createExclusive(breaker, String(process.pid))) {
    if (ageMs(breaker) > BREAKER_STALE_MS) unlinkQuiet(breaker);
    return false;
  }
  try {
    const now = readLock(file);
    const same = seen ? now?.token === seen.token : now === undefined;
    if (same) unlinkQuiet(file);
    return same;
  } finally {
    unlinkQuiet(breaker);
  }
}

/**
 * An inter-process lock: a file created with O_EXCL holding pid, host and a random token.
 * A holder that died (SIGKILL included) is detected by its pid and its lock is taken over.
 */
export async function acquireLock(file: string, opts: LockOptions = {}): Promise<LockHandle> {
  const waitMs = opts.waitMs ?? 600_000;
  const start = Date.now();
  let pause = 20;
  let tookOverFrom: number | undefined;
  for (;;) {
    const info: LockInfo = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex'), at: new Date().toISOString(), purpose: opts.purpose };
    if (createExclusive(file, JSON.stringify(info))) return handle(file, info, tookOverFrom);
    const held = readLock(file);
    if (held && opts.reentrant && held.pid === process.pid && held.host === info.host) {
      return handle(file, held, undefined);
    }
    if (isStale(file, held)) {
      if (breakStale(file, held)) tookOverFrom = held?.pid ?? tookOverFrom;
      continue;
    }
    if (Date.now() - start >= waitMs || opts.signal?.aborted) {
      const busy = new LockBusyError(file, held);
      throw opts.busyError ? opts.busyError(busy) : busy;
    }
    await sleep(pause);
    pause = Math.min(pause * 2, 500);
  }
}

function handle(file: string, info: LockInfo, tookOverFrom: number | undefined): LockHandle {
  return {
    file,
    info,
    tookOverFrom,
    release() {
      // Only remove the file if it is still ours.
      if (readLock(file)?.token === info.token) unlinkQuiet(file);
    },
  };
}

export async function withLock<T>(file: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(file, opts);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

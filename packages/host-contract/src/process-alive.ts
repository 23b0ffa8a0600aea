// "Is this process alive", one definition for pid files, locks and the daemon's launcher:
// signal 0 reaches it (EPERM counts: it exists) and, where /proc tells, it is not a zombie.
// A host daemon is alive when, besides, its command line names hostd (a reused pid of
// something else does not count). The sh in packages/fleet/src/daemon.ts uses the same pattern.
import { existsSync, readFileSync } from 'node:fs';

/** An argument of a host daemon's command line matches this (a JS RegExp and a grep BRE alike). */
export const HOSTD_ARG_PATTERN = 'hostd[^/]*$';
const HOSTD_ARG = new RegExp(HOSTD_ARG_PATTERN);

const hasProc = (): boolean => existsSync('/proc/self/stat');

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** A zombie has exited and waits for its parent to reap it: it is not alive. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ...: comm may hold spaces and parentheses, the state follows the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** The process's argv from /proc, or null where it cannot be read (gone, or no /proc). */
export function commandLine(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return text.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
  } catch {
    return null;
  }
}

/** The hostd script a daemon runs (the argument that names hostd), from its command line. */
export function hostdScriptOf(argv: readonly string[]): string | undefined {
  return argv.find((a) => HOSTD_ARG.test(a));
}

/** A live host daemon: without /proc (macOS) a live pid is all that can be told. */
export function isHostdProcess(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  const argv = commandLine(pid);
  if (argv === null) return !hasProc();
  return hostdScriptOf(argv) !== undefined;
}

// The read-only system a sandboxed process sees: /usr and the merged-/usr links, the node
// the daemon runs on, the directories on the daemon's PATH, the filtered /etc (etc-mounts.ts).
// Computed once per worker: the same for every task of the host.
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative } from 'node:path';
import type { HiddenPlaces } from './policy.js';

/** The system's top directories: bound read-only, or re-created as the links they are (merged /usr). */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/** A path and what it covers below it. */
const within = (parent: string, p: string) => {
  const rel = relative(parent, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * Whether `p` may be mounted read-only without showing a hidden place: not the home or the
 * agentfleet home, nor a directory above them, nor anything inside the agentfleet home or ~/.ssh.
 */
export function mountable(p: string, hidden: HiddenPlaces): boolean {
  const places = [hidden.userHome, hidden.fleetHome];
  if (places.some((h) => within(p, h))) return false;
  return !within(hidden.fleetHome, p) && !within(`${hidden.userHome}/.ssh`, p);
}

function real(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** `--ro-bind` / `--symlink` arguments of the system directories this host has. */
function systemDirArgs(): string[] {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else if (st.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  return args;
}

const covered = (p: string) => SYSTEM_DIRS.some((d) => within(d, p));

/**
 * Directories outside the system ones that tasks need to find their tools: node's prefix (or
 * its bin directory when the prefix would show a hidden place) and each PATH directory.
 */
export function toolDirs(path: string | undefined, hidden: HiddenPlaces, execPath = process.execPath): string[] {
  const dirs = new Set<string>();
  const node = real(execPath);
  if (node) {
    const bin = dirname(node);
    const prefix = basename(bin) === 'bin' ? dirname(bin) : bin;
    dirs.add(mountable(prefix, hidden) ? prefix : bin);
  }
  for (const entry of (path ?? '').split(':')) {
    if (!isAbsolute(entry)) continue; // `.` or empty entries: relative to wherever a command runs
    const r = real(entry);
    if (r && mountable(r, hidden)) dirs.add(r);
  }
  return [...dirs].filter((d) => !covered(d) && mountable(d, hidden));
}

/** Read-only binds of `dirs`, parents before what they contain (a later mount lands on top). */
export function readOnlyArgs(dirs: Iterable<string>): string[] {
  const unique = [...new Set(dirs)].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  return unique.flatMap((d) => ['--ro-bind', d, d]);
}

/** The system part of every task's sandbox on this host (without /etc). */
export function systemMountArgs(path: string | undefined, hidden: HiddenPlaces): string[] {
  return [...systemDirArgs(), ...readOnlyArgs(toolDirs(path, hidden))];
}

// An unprivileged unix user for tests that must not run as root (Claude Code refuses to skip
// its permission prompts for root): created once per machine like the sshd test hosts' users
// (useradd; `usermod -p '*'`: no password, not locked), and directories handed over to it.
import { execFileSync } from 'node:child_process';
import { chownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot } from './prereq.js';
import { tempDir } from './temp-dir.js';

export interface UnixUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

function lookup(name: string): UnixUser | undefined {
  try {
    const [, , uid, gid, , home] = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim().split(':');
    return { name, uid: Number(uid), gid: Number(gid), home: home! };
  } catch {
    return undefined;
  }
}

/** The user `name`, created if it does not exist yet (root only: tests that need one check isRoot). */
export function ensureUnixUser(name: string): UnixUser {
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) throw new Error(`not a test user name: ${name}`);
  const existing = lookup(name);
  if (existing) return existing;
  if (!isRoot) throw new Error(`creating the test user ${name} needs root`);
  execFileSync('useradd', ['--create-home', '--shell', '/bin/bash', name]);
  execFileSync('usermod', ['-p', '*', name]);
  return lookup(name)!;
}

/** Gives `path` and everything below it to the user. */
export function chownTree(path: string, user: UnixUser): void {
  chownSync(path, user.uid, user.gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const e of readdirSync(path)) chownTree(join(path, e), user);
}

/** A scratch directory (tempDir) owned by the user. */
export function userTempDir(name: string, user: UnixUser): string {
  const dir = tempDir(name);
  chownTree(dir, user);
  return dir;
}

// Local sshd "hosts" for a test file (scripts/test-hosts: unix users behind their own sshd,
// optionally each in a network namespace), started for the test and removed afterwards.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseConfig, type HostSpec } from '@agentfleet/core';
import { repoRoot } from './built-apps.js';
import { holdFileLock } from './file-lock.js';
import { freePort } from './ports.js';
import { isRoot } from './prereq.js';
import { removeDir, tempDir } from './temp-dir.js';

const run = promisify(execFile);
export const TEST_HOSTS_SCRIPT = join(repoRoot, 'scripts/test-hosts');

/** True when real sshd hosts can be started; under CI=true a missing prerequisite throws instead. */
export function canRunTestHosts(): boolean {
  const problems: string[] = [];
  if (!isRoot) problems.push('not root');
  if (!existsSync('/usr/sbin/sshd')) problems.push('no /usr/sbin/sshd (install openssh-server)');
  if (problems.length === 0) return true;
  if (process.env.CI === 'true') throw new Error(`test hosts unavailable under CI: ${problems.join(', ')}`);
  return false;
}

export interface TestHosts {
  dir: string;
  hosts: HostSpec[];
  port: number;
  /** Users are `${userPrefix}${i}`. */
  users: string[];
  fleetYaml: string;
  sshConfig: string;
  /** Hosts in network namespaces (--netns): the address of this machine as the host sees it, by host name. */
  machineAddress: Record<string, string>;
  /** --netns only: take a host's link down / up. */
  cut(name: string): Promise<void>;
  restore(name: string): Promise<void>;
  knownHosts: string;
  identityFile: string;
  down(): Promise<void>;
}

export interface TestHostsOptions {
  n: number;
  /** Host i gets 127.0.0.(firstIp+i-1), or with netns 169.254.(firstIp+i-1).2; distinct per test file. */
  firstIp: number;
  /** Unix users are userPrefix1..N; distinct per test file (their homes are cleaned by down()). */
  userPrefix: string;
  names?: string[];
  /** Each host in its own network namespace, reachable over a veth pair (root only). */
  netns?: boolean;
}

/** Locks this process holds, by user prefix, with how many TestHosts use each. */
const heldLocks = new Map<string, { users: number; acquired: Promise<() => void> }>();

/**
 * Holds an exclusive lock on the test users of a prefix (their homes and processes are shared
 * by every test run on this machine) until the last release() or until this process dies: two
 * runs of the same test file at once would otherwise kill each other's daemons. Within one
 * process the lock is shared (a file may start several sets of hosts with one prefix).
 */
async function lockTestUsers(userPrefix: string): Promise<() => void> {
  let held = heldLocks.get(userPrefix);
  if (!held) {
    held = { users: 0, acquired: holdFileLock(`/tmp/agentfleet-test-users-${userPrefix}.lock`, 900, `the test users ${userPrefix}*`) };
    heldLocks.set(userPrefix, held);
  }
  held.users++;
  const lock = held;
  let unlock: () => void;
  try {
    unlock = await lock.acquired;
  } catch (e) {
    if (--lock.users === 0) heldLocks.delete(userPrefix);
    throw e;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--lock.users > 0) return;
    heldLocks.delete(userPrefix);
    unlock();
  };
}

export async function startTestHosts(opts: TestHostsOptions): Promise<TestHosts> {
  const release = await lockTestUsers(opts.userPrefix);
  const dir = tempDir('test-hosts');
  const port = opts.netns ? 22 : await freePort(`127.0.0.${opts.firstIp}`);
  const args = ['up', String(opts.n), dir, '--port', String(port), '--first-ip', String(opts.firstIp), '--user-prefix', opts.userPrefix];
  if (opts.names) args.push('--names', opts.names.join(','));
  if (opts.netns) args.push('--netns');
  try {
    await run(TEST_HOSTS_SCRIPT, args);
  } catch (e) {
    await run(TEST_HOSTS_SCRIPT, ['down', dir, '--clean']).catch(() => undefined);
    removeDir(dir);
    release();
    throw e;
  }
  const fleetYaml = join(dir, 'fleet.yaml');
  const config = parseConfig(readFileSync(fleetYaml, 'utf8'), fleetYaml);
  const machineAddress: Record<string, string> = {};
  if (opts.netns) config.hosts.forEach((h, i) => { machineAddress[h.name] = `169.254.${opts.firstIp + i}.1`; });
  return {
    machineAddress,
    async cut(name) {
      await run(TEST_HOSTS_SCRIPT, ['cut', dir, name]);
    },
    async restore(name) {
      await run(TEST_HOSTS_SCRIPT, ['restore', dir, name]);
    },
    dir,
    port,
    hosts: config.hosts,
    users: Array.from({ length: opts.n }, (_, i) => `${opts.userPrefix}${i + 1}`),
    fleetYaml,
    sshConfig: join(dir, 'ssh_config'),
    knownHosts: join(dir, 'known_hosts'),
    identityFile: join(dir, 'client', 'id_ed25519'),
    async down() {
      try {
        await run(TEST_HOSTS_SCRIPT, ['down', dir, '--clean']);
        removeDir(dir);
      } finally {
        release();
      }
    },
  };
}

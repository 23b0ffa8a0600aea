// Starts local sshd "hosts" with scripts/test-hosts for a test file, and removes them afterwards.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseConfig, type HostSpec } from '@agentfleet/core';

const run = promisify(execFile);
export const TEST_HOSTS_SCRIPT = fileURLToPath(new URL('../../../../scripts/test-hosts', import.meta.url));

/** True when real sshd hosts can be started; under CI=true a missing prerequisite throws instead. */
export function canRunTestHosts(): boolean {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('not root');
  if (!existsSync('/usr/sbin/sshd')) problems.push('no /usr/sbin/sshd (install openssh-server)');
  if (problems.length === 0) return true;
  if (process.env.CI === 'true') throw new Error(`test hosts unavailable under CI: ${problems.join(', ')}`);
  return false;
}

async function freePortOn(address: string): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, address, () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => res(port));
    });
  });
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
const heldLocks = new Map<string, { users: number; holder: Promise<ChildProcess> }>();

/**
 * Holds an exclusive lock on the test users of a prefix (their homes and processes are shared
 * by every test run on this machine) until the last release() or until this process dies: two
 * runs of the same test file at once would otherwise kill each other's daemons. Within one
 * process the lock is shared (a file may start several sets of hosts with one prefix).
 */
async function lockTestUsers(userPrefix: string): Promise<() => void> {
  let held = heldLocks.get(userPrefix);
  if (!held) {
    const holder = spawn('flock', ['-w', '900', `/tmp/agentfleet-test-users-${userPrefix}.lock`, '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
    held = {
      users: 0,
      holder: new Promise<ChildProcess>((resolve, reject) => {
        holder.stdout.once('data', () => resolve(holder));
        holder.once('error', reject);
        holder.once('exit', (code) => reject(new Error(`cannot lock the test users ${userPrefix}* (flock exited ${code})`)));
      }),
    };
    heldLocks.set(userPrefix, held);
  }
  held.users++;
  const lock = held;
  let holder: ChildProcess;
  try {
    holder = await lock.holder;
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
    holder.stdin?.end();
  };
}

export async function startTestHosts(opts: TestHostsOptions): Promise<TestHosts> {
  const release = await lockTestUsers(opts.userPrefix);
  const dir = mkdtempSync('/dev/shm/af-test-hosts-');
  const port = opts.netns ? 22 : await freePortOn(`127.0.0.${opts.firstIp}`);
  const args = ['up', String(opts.n), dir, '--port', String(port), '--first-ip', String(opts.firstIp), '--user-prefix', opts.userPrefix];
  if (opts.names) args.push('--names', opts.names.join(','));
  if (opts.netns) args.push('--netns');
  try {
    await run(TEST_HOSTS_SCRIPT, args);
  } catch (e) {
    await run(TEST_HOSTS_SCRIPT, ['down', dir, '--clean']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
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
        rmSync(dir, { recursive: true, force: true });
      } finally {
        release();
      }
    },
  };
}

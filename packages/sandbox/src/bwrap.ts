// The bubblewrap command line of one sandboxed process: every namespace unshared (the network
// too unless the task has network: full), a root of nothing but the mounts listed here, the
// process a child of a reaper in its own pid namespace that dies with the worker.
import { mkdirSync } from 'node:fs';
import type { NetworkMode } from '@agentfleet/core';
import { etcMountArgs, identityMountArgs, writeIdentityFiles } from './etc-mounts.js';
import { findExecutable, installDirs } from './executable.js';
import { sandboxIdentity, type HiddenPlaces, type SandboxIdentity, type SandboxPolicy } from './policy.js';
import { mountable, readOnlyArgs, systemMountArgs } from './system-mounts.js';

/** The fd on which the sandbox says the command is about to start (after every mount succeeded). */
export const STARTED_FD = 3;
export const STARTED_MARK = 'agentfleet-sandbox-started';

/** Namespaces: all of them; with network: full the network one is shared. */
export function namespaceArgs(network: NetworkMode, who: SandboxIdentity): string[] {
  return [
    '--unshare-all', ...(network === 'full' ? ['--share-net'] : []),
    ...(who.mapped ? ['--uid', String(who.uid), '--gid', String(who.gid)] : []),
    '--die-with-parent', '--new-session',
  ];
}

/** What every sandbox of a host shares: bwrap itself, the read-only system, the /etc allowlist, the hidden places. */
export interface HostSandbox {
  bwrap: string;
  who: SandboxIdentity;
  hidden: HiddenPlaces;
  /** system directories, node, PATH directories, /etc: computed once */
  systemArgs: string[];
}

export function hostSandbox(o: { hidden: HiddenPlaces; path: string | undefined; bwrap?: string }): HostSandbox {
  return { bwrap: o.bwrap ?? 'bwrap', who: sandboxIdentity(), hidden: o.hidden, systemArgs: [...systemMountArgs(o.path, o.hidden), ...etcMountArgs()] };
}

/**
 * A task's sandbox: `command()` turns `file args` into the bwrap command that runs them
 * confined to the policy. The command goes through /bin/sh inside, which first writes
 * STARTED_MARK on fd 3 and closes it, so the caller tells a sandbox that could not be set up
 * (bwrap's own error, exit 1) from a command that ran and exited 1.
 *
 * Its places are made and its /etc files written on the first command only: a task that
 * starts no process (noop, a gate) pays no mkdir and no file creation, which show in dispatch
 * profiles. Copies made by withNetwork() share that one preparation.
 */
export class Confinement {
  readonly network: NetworkMode;
  private base: string[] | undefined;

  constructor(
    private readonly host: HostSandbox,
    readonly policy: SandboxPolicy,
    private readonly prepared: { done: boolean } = { done: false },
  ) {
    this.network = policy.network;
  }

  /** The same sandbox with another network (setup keeps the network unless repo.setup.network says none). */
  withNetwork(network: NetworkMode): Confinement {
    return network === this.network ? this : new Confinement(this.host, { ...this.policy, network }, this.prepared);
  }

  /** bwrap and its arguments that run `file args` in `cwd`, inside the sandbox. */
  command(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): { file: string; args: string[] } {
    const exe = findExecutable(file, env.PATH, cwd) ?? file;
    const tools = exe.startsWith('/') ? installDirs(exe, this.host.hidden.userHome).filter((d) => mountable(d, this.host.hidden) && !this.mounts(d)) : [];
    const launch = `printf ${STARTED_MARK} >&${STARTED_FD} && exec ${STARTED_FD}>&- && exec "$@"`;
    // last, once every mount point is made: the root itself (bwrap's tmpfs) is not a place to write to
    const root = ['--remount-ro', '/'];
    return { file: this.host.bwrap, args: [...this.baseArgs(), ...readOnlyArgs(tools), ...root, '--chdir', cwd, '--', '/bin/sh', '-c', launch, 'agentfleet-sandbox', exe, ...args] };
  }

  /** The mounts every command of this sandbox shares; the task's places made on first use. */
  private baseArgs(): string[] {
    const { policy, host } = this;
    if (!this.prepared.done) {
      for (const d of [policy.workdir, policy.home, ...policy.writable]) mkdirSync(d, { recursive: true });
      writeIdentityFiles(policy.etcDir, host.who, policy.home);
      this.prepared.done = true;
    }
    return (this.base ??= [
      ...namespaceArgs(policy.network, host.who),
      '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--dir', '/var', '--tmpfs', '/var/tmp',
      ...host.systemArgs,
      ...identityMountArgs(policy.etcDir),
      ...readOnlyArgs(policy.readOnly),
      ...[policy.workdir, policy.home, ...policy.writable].flatMap((d) => ['--bind', d, d]),
    ]);
  }

  /** Whether `dir` is inside what the sandbox mounts anyway (system directories, tool directories). */
  private mounts(dir: string): boolean {
    const parts = this.host.systemArgs;
    for (let i = 0; i < parts.length - 2; i++) {
      if (parts[i] === '--ro-bind' && (dir === parts[i + 2] || dir.startsWith(`${parts[i + 2]}/`))) return true;
    }
    return false;
  }
}

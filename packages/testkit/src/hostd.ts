// A host daemon (the built apps/worker/dist/hostd.js) as a child process of the test, as
// `fleet up` would start it minus SSH, with its own home under /dev/shm and short timings.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostdScript } from './built-apps.js';
import { workerPids } from './processes.js';
import { removeDir, tempDir } from './temp-dir.js';
import { userTempDir, type UnixUser } from './unix-user.js';

/** Daemon timings short enough that a test notices a lost worker or host in seconds. */
export const FAST_DAEMON_ENV: Readonly<Record<string, string>> = {
  AGENTFLEET_LOCK_MS: '4000',
  AGENTFLEET_STALLED_MS: '2000',
  AGENTFLEET_HEARTBEAT_MS: '500',
  AGENTFLEET_RECONCILE_MS: '1000',
  AGENTFLEET_MIN_DISK_FREE: '0',
};
/** The heartbeat TTL that goes with FAST_DAEMON_ENV: a host is down 3 s after its last beat. */
export const FAST_HEARTBEAT_TTL_MS = 3000;

export interface HostdOptions {
  redisUrl: string;
  prefix: string;
  host?: string;
  slots?: number;
  labels?: string[];
  env?: Record<string, string>;
  home?: string;
  /** run the daemon (and so its workers and agents) as this unprivileged user */
  user?: UnixUser;
}

export class TestHostd {
  readonly home: string;
  readonly host: string;
  proc: ChildProcess;
  private output = '';

  constructor(readonly opts: HostdOptions) {
    this.home = opts.home ?? (opts.user ? userTempDir('home', opts.user) : tempDir('home'));
    this.host = opts.host ?? 'h1';
    this.proc = this.spawn();
  }

  private spawn(): ChildProcess {
    const p = spawn(process.execPath, [hostdScript], {
      env: {
        ...process.env,
        REDIS_URL: this.opts.redisUrl,
        AGENTFLEET_PREFIX: this.opts.prefix,
        AGENTFLEET_HOST: this.host,
        AGENTFLEET_HOME: this.home,
        AGENTFLEET_SLOTS: String(this.opts.slots ?? 2),
        AGENTFLEET_LABELS: (this.opts.labels ?? []).join(','),
        ...FAST_DAEMON_ENV,
        AGENTFLEET_HEARTBEAT_TTL_MS: String(FAST_HEARTBEAT_TTL_MS),
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
        ...(this.opts.user ? { HOME: this.opts.user.home, USER: this.opts.user.name, LOGNAME: this.opts.user.name } : {}),
        ...this.opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(this.opts.user ? { uid: this.opts.user.uid, gid: this.opts.user.gid, cwd: this.opts.user.home } : {}),
    });
    p.stdout?.on('data', (b: Buffer) => (this.output += b.toString()));
    p.stderr?.on('data', (b: Buffer) => (this.output += b.toString()));
    return p;
  }

  get log(): string {
    return this.output;
  }

  /** Restart after a kill (a host coming back). */
  restart(): void {
    this.proc = this.spawn();
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.proc;
    if (p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await exited;
  }

  /** SIGTERM (drain) and wait; then make sure no worker of this home is left. */
  async stop(timeoutMs = 30_000): Promise<void> {
    const p = this.proc;
    if (p.exitCode === null && p.signalCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await Promise.race([exited, sleep(timeoutMs)]);
      if (p.exitCode === null && p.signalCode === null) await this.kill();
    }
    for (const pid of workerPids(this.home)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }

  cleanup(): void {
    removeDir(this.home);
  }

  /** stop(), then cleanup(). */
  async stopAndCleanup(timeoutMs = 30_000): Promise<void> {
    await this.stop(timeoutMs);
    this.cleanup();
  }
}

// Real processes for end-to-end tests: redis-server instances and host daemons (the built
// apps/worker/dist/hostd.js), each in its own /dev/shm home so nothing collides.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../setup/global.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const hostdScript = join(repoRoot, 'apps/worker/dist/hostd.js');
export const cliBin = join(repoRoot, 'apps/cli/dist/bin.js');

/** Builds the apps once if their output is missing (CI builds before testing anyway). */
export function ensureBuilt(): void {
  if (existsSync(hostdScript) && existsSync(cliBin) && existsSync(join(repoRoot, 'packages/store/dist/commands/complete.lua'))) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
}

export function tempDir(name: string): string {
  return mkdtempSync(join('/dev/shm', `af-${name}-`));
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** A redis-server of the test's own (AOF on), that can be restarted on the same port. */
export class TestRedis {
  private proc: ChildProcess | null = null;
  readonly dir = tempDir('redis');
  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
  ) {}

  static async start(extraArgs: string[] = []): Promise<TestRedis> {
    const r = new TestRedis(await freePort(), extraArgs);
    await r.startProcess();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async startProcess(): Promise<void> {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction', ...this.extraArgs], { stdio: 'ignore' });
    await waitFor(`redis on ${this.port}`, () => portOpen(this.port), 10_000, 50);
  }

  /** SIGKILL (no shutdown save: AOF with fsync always is what survives), then start again. */
  async restart(downMs = 500): Promise<void> {
    await this.kill();
    await new Promise((r) => setTimeout(r, downMs));
    await this.startProcess();
  }

  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface HostdOptions {
  redisUrl: string;
  prefix: string;
  host?: string;
  slots?: number;
  labels?: string[];
  env?: Record<string, string>;
  home?: string;
}

/** A host daemon as a child process (as `fleet up` would start it, minus SSH). */
export class TestHostd {
  readonly home: string;
  readonly host: string;
  proc: ChildProcess;
  private output = '';

  constructor(readonly opts: HostdOptions) {
    this.home = opts.home ?? tempDir('home');
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
        AGENTFLEET_LOCK_MS: '4000',
        AGENTFLEET_STALLED_MS: '2000',
        AGENTFLEET_HEARTBEAT_MS: '500',
        AGENTFLEET_HEARTBEAT_TTL_MS: '3000',
        AGENTFLEET_RECONCILE_MS: '1000',
        AGENTFLEET_MIN_DISK_FREE: '0',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
        ...this.opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
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
      await Promise.race([exited, new Promise((r) => setTimeout(r, timeoutMs))]);
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
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** Worker processes whose environment names this home (they are children of a hostd). */
export function workerPids(home: string): number[] {
  let out = '';
  try {
    out = execFileSync('sh', ['-c', `grep -l -a "AGENTFLEET_HOME=${home}" /proc/[0-9]*/environ 2>/dev/null || true`], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .map((l) => Number(/\/proc\/(\d+)\//.exec(l)?.[1]))
    .filter((pid) => pid && pid !== process.pid);
}

/** Pids of processes whose command line contains the marker (agent processes of a test). */
export function pidsWithArg(marker: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(marker) && !l.includes('ps -eo'))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
    .filter(Boolean);
}

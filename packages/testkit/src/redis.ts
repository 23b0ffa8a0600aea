// A redis-server of a test's own (or of the whole test run, or of a benchmark): a free port on
// 127.0.0.1, its data in a scratch directory, AOF with fsync always unless the caller's extra
// arguments say otherwise (later arguments win); it can be SIGKILLed and restarted on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, portOpen } from './ports.js';
import { removeDir, tempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

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

  /** Starts the server and waits until it accepts connections; a missing redis-server is said plainly. */
  async startProcess(): Promise<void> {
    const proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction', ...this.extraArgs], { stdio: 'ignore' });
    this.proc = proc;
    const spawnFailed = new Promise<never>((_, reject) => proc.once('error', (e) => reject(new Error(`cannot start redis-server (is it installed? run ./scripts/bootstrap): ${e.message}`))));
    await Promise.race([waitFor(`redis on ${this.port}`, () => portOpen(this.port), 10_000, 50), spawnFailed]);
  }

  /** SIGKILL (no shutdown save: AOF with fsync always is what survives), then start again. */
  async restart(downMs = 500): Promise<void> {
    await this.kill();
    await sleep(downMs);
    await this.startProcess();
  }

  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null || p.pid === undefined) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    removeDir(this.dir);
  }
}

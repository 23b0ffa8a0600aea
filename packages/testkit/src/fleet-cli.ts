// The built `fleet` CLI run as a child process, as a user runs it: the exit code and all it
// printed, asynchronously (so servers in the test process can answer it) or synchronously;
// and UserCli, a user's CLI with its own home and fleet.yaml.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostStatus } from '@agentfleet/store';
import { cliBin } from './built-apps.js';
import { removeDir, tempDir } from './temp-dir.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface FleetRunOptions {
  /** The child's whole environment (default: this process's); a key set to undefined is left out. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Killed after this long (runFleet: SIGKILL; runFleetSync: SIGTERM); no limit by default. */
  timeoutMs?: number;
}

export function runFleet(args: string[], opts: FleetRunOptions = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [cliBin, ...args], { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: opts.timeoutMs, killSignal: 'SIGKILL' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** runFleet, and its stdout when it exits 0; otherwise an error with the exit code and its output. */
export async function runFleetOk(args: string[], opts: FleetRunOptions = {}): Promise<string> {
  const r = await runFleet(args, opts);
  if (r.code !== 0) throw new Error(`fleet ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

export function runFleetSync(args: string[], opts: FleetRunOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [cliBin, ...args], { env: opts.env ?? process.env, cwd: opts.cwd, encoding: 'utf8', timeout: opts.timeoutMs });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The parts of `fleet report --format json` the end-to-end suites read. */
export interface ReportJson {
  run: { status: string };
  tasks: { id: string; status: string; host: string | null; attempts: number; startedAt: string | null; error: { message: string } | null }[];
  totals: { tasks: number; succeeded: number };
}

type UserRunOptions = { env?: Record<string, string | undefined>; config?: string; timeoutMs?: number };

/** The CLI as a user runs it: its own home, the given fleet.yaml, no REDIS_URL or AGENTFLEET_CONFIG from outside. */
export class UserCli {
  constructor(
    readonly config: string,
    readonly home: string,
    readonly env: Record<string, string> = {},
  ) {}

  run(args: string[], opts: UserRunOptions = {}): Promise<CliResult> {
    const env = { ...process.env, REDIS_URL: undefined, AGENTFLEET_CONFIG: undefined, AGENTFLEET_HOME: this.home, ...this.env, ...opts.env };
    return runFleet(['--config', opts.config ?? this.config, ...args], { env, timeoutMs: opts.timeoutMs ?? 120_000 });
  }

  /** Its stdout; an exit code other than 0 is an error carrying all it printed. */
  async ok(args: string[], opts: UserRunOptions = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`fleet ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  async hosts(): Promise<HostStatus[]> {
    return JSON.parse(await this.ok(['hosts', '--json'])) as HostStatus[];
  }

  async report(runId: string): Promise<ReportJson> {
    return JSON.parse(await this.ok(['report', runId, '--format', 'json'])) as ReportJson;
  }

  /** Submits without waiting; returns the run id. */
  async submit(plan: string): Promise<string> {
    return (JSON.parse(await this.ok(['run', plan, '--json'])) as { runId: string }).runId;
  }

  /**
   * A user with a new home and a fleet.yaml of their own on the given Redis: its key prefix,
   * `hosts:` with these names (none: the CLI starts the local fleet itself), more YAML.
   */
  static create(opts: { redisUrl: string; prefix: string; hosts?: string[]; config?: string; env?: Record<string, string> }): UserCli {
    const home = tempDir('user');
    const config = join(home, 'fleet.yaml');
    const hosts = opts.hosts?.length ? `hosts:\n${opts.hosts.map((h) => `  - name: ${h}\n`).join('')}` : '';
    writeFileSync(config, `redis: { prefix: ${opts.prefix} }\n${hosts}${opts.config ?? ''}`);
    return new UserCli(config, home, { REDIS_URL: opts.redisUrl, ...opts.env });
  }

  /** The environment its commands get, for the user's other programs (an SDK script). */
  environment(): Record<string, string | undefined> {
    return { ...process.env, AGENTFLEET_HOME: this.home, AGENTFLEET_CONFIG: this.config, ...this.env };
  }

  async json<T>(args: string[], opts: UserRunOptions = {}): Promise<T> {
    return JSON.parse(await this.ok(args, opts)) as T;
  }

  /** A file in the user's home (a plan, an issue); its path. */
  file(name: string, text: string): string {
    const p = join(this.home, name);
    writeFileSync(p, text);
    return p;
  }

  cleanup(): void {
    removeDir(this.home);
  }
}

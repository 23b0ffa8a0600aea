// The built `fleet` CLI run as a child process, as a user runs it: the exit code and all it
// printed, asynchronously (so servers in the test process can answer it) or synchronously.
import { spawn, spawnSync } from 'node:child_process';
import { cliBin } from './built-apps.js';

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

import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { FleetError } from '@agentfleet/core';
import { STARTED_FD, STARTED_MARK, type Confinement } from '@agentfleet/sandbox';

/** Keeps the last `limit` characters of a stream of text. */
export class TailBuffer {
  private text = '';
  constructor(private readonly limit = 4096) {}
  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.limit * 2) this.text = this.text.slice(-this.limit);
  }
  toString(): string {
    return this.text.slice(-this.limit);
  }
}

/** Splits a byte stream into lines (the last partial line waits for its end). */
export class LineSplitter {
  private rest = '';
  push(chunk: string, onLine: (line: string) => void): void {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    for (const p of parts) onLine(p.endsWith('\r') ? p.slice(0, -1) : p);
  }
  end(onLine: (line: string) => void): void {
    if (this.rest) onLine(this.rest);
    this.rest = '';
  }
}

export interface GroupChild {
  child: ChildProcess;
  /** Resolves with the exit code (128+signal number when killed by a signal). */
  exited: Promise<number>;
  /** SIGKILLs the whole process group (the child and everything it started). */
  kill(): void;
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

export function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

export interface SpawnGroupOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Text written to stdin, which is then closed; stdin is /dev/null when absent. */
  stdin?: string;
  /** The task's sandbox: the command runs inside it (absent: unconfined, the task's sandbox is none). */
  sandbox?: Confinement;
  onStdout(text: string): void;
  onStderr(text: string): void;
}

/**
 * Starts a command in its own process group (detached) so that an abort kills
 * everything it started, not just the direct child (in a sandbox: bwrap, whose pid namespace
 * goes with it). A sandbox that could not be set up rejects `exited` with a sandbox_error.
 */
export function spawnGroup(file: string, args: readonly string[], opts: SpawnGroupOptions): GroupChild {
  const cmd = opts.sandbox ? opts.sandbox.command(file, args, opts.cwd, opts.env) : { file, args };
  const child = spawn(cmd.file, cmd.args, {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe', ...(opts.sandbox ? (['pipe'] as const) : [])],
  });
  const start = opts.sandbox ? watchStart(child, file) : undefined;
  const kill = () => killGroup(child.pid);
  const onAbort = () => kill();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) kill();
  child.stdout?.setEncoding('utf8').on('data', (s: string) => opts.onStdout(s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => opts.onStderr(s));
  if (opts.stdin !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined); // a child that exits without reading its stdin
    child.stdin.end(opts.stdin);
  }
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', (e) => {
      opts.signal.removeEventListener('abort', onAbort);
      reject(e);
    });
    let exitCode = 0;
    child.once('exit', (code, sig) => {
      exitCode = code ?? 128 + (sig ? (SIGNALS[sig] ?? 9) : 9);
      // a background process left in the group would outlive the task (and hold its pipes open)
      killGroup(child.pid);
    });
    // 'close' comes after stdout/stderr drained, so every chunk was seen before the verdict.
    child.once('close', () => {
      opts.signal.removeEventListener('abort', onAbort);
      const failed = start?.failure();
      if (failed && !opts.signal.aborted) reject(failed);
      else resolve(exitCode);
    });
  });
  return { child, exited, kill };
}

/**
 * The sandbox's word that every mount succeeded and the command is starting (STARTED_MARK on
 * fd 3); without it, what the command "exited" with is bwrap's own failure, told by its stderr.
 */
function watchStart(child: ChildProcess, file: string): { failure(): FleetError | undefined } {
  let mark = '';
  let early = '';
  (child.stdio[STARTED_FD] as Readable | null)?.setEncoding('utf8').on('data', (s: string) => (mark += s));
  child.stderr?.on('data', (s: Buffer | string) => {
    if (mark !== STARTED_MARK && early.length < 2000) early += s.toString();
  });
  return {
    failure: () => {
      if (mark === STARTED_MARK) return undefined;
      const why = early.trim().split('\n').filter(Boolean).pop()?.replace(/^bwrap: /, '') ?? 'bwrap exited before it started it';
      return new FleetError('sandbox_error', `the sandbox for '${file}' could not be set up: ${why}`, { file });
    },
  };
}

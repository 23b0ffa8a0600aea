import { spawn, type ChildProcess } from 'node:child_process';

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
  onStdout(text: string): void;
  onStderr(text: string): void;
}

/**
 * Starts a command in its own process group (detached) so that an abort kills
 * everything it started, not just the direct child.
 */
export function spawnGroup(file: string, args: readonly string[], opts: SpawnGroupOptions): GroupChild {
  const child = spawn(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
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
      resolve(exitCode);
    });
  });
  return { child, exited, kill };
}

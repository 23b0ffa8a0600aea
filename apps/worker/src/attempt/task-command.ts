import { spawnGroup, TailBuffer } from '@agentfleet/agents';
import { FleetError } from '@agentfleet/core';
import type { Confinement } from '@agentfleet/sandbox';

export interface TaskCommand {
  /** a check or the setup's `run`, as the plan wrote it (run by /bin/sh -c) */
  command: string;
  cwd: string;
  /** from taskProcessEnv(): the one environment of a task's processes */
  env: NodeJS.ProcessEnv;
  /** the task's sandbox (absent: unconfined) */
  sandbox?: Confinement;
  timeoutMs: number;
  /** the attempt's stop (timeout, cancel, shutdown): its reason is thrown */
  signal: AbortSignal;
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

export interface TaskCommandResult {
  /** 124 when it ran out of its own timeout (as coreutils' timeout says) */
  exitCode: number;
  timedOut: boolean;
  /** the last 4 KB of stdout and stderr together, not yet scrubbed */
  tail: string;
  durationMs: number;
}

export const TIMED_OUT_EXIT = 124;

/**
 * Every check and setup command starts here: `/bin/sh -c` in the workspace, in the task's
 * sandbox, in a process group of its own (a timeout or the attempt's stop kills all it
 * started), with its own timeout and the tail of its output kept.
 */
export async function runTaskCommand(c: TaskCommand): Promise<TaskCommandResult> {
  if (c.signal.aborted) throw stopReason(c.signal);
  const started = Date.now();
  const own = new AbortController();
  const stop = () => own.abort();
  c.signal.addEventListener('abort', stop, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    own.abort();
  }, c.timeoutMs);
  const tail = new TailBuffer();
  const out = (stream: 'stdout' | 'stderr') => (text: string) => {
    tail.push(text);
    c.onOutput?.(stream, text);
  };
  try {
    const proc = spawnGroup('/bin/sh', ['-c', c.command], { cwd: c.cwd, env: c.env, signal: own.signal, sandbox: c.sandbox, onStdout: out('stdout'), onStderr: out('stderr') });
    const code = await proc.exited.catch((e: Error) => {
      if (e instanceof FleetError) throw e;
      throw new FleetError('internal', `cannot start /bin/sh for '${c.command}' in ${c.cwd}: ${e.message}`);
    });
    if (c.signal.aborted) throw stopReason(c.signal);
    return { exitCode: timedOut ? TIMED_OUT_EXIT : code, timedOut, tail: tail.toString(), durationMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
    c.signal.removeEventListener('abort', stop);
  }
}

function stopReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new FleetError('cancelled', 'the task was stopped');
}

// A host daemon's logs (its own, or a worker's) over SSH, where the host contract's home
// layout puts them: the last lines, or followed (across log rotation) until aborted.
import { posix } from 'node:path';
import { homeLayout } from '@agentfleet/host-contract';
import { SshError } from './errors.js';
import type { SshSession } from './session.js';
import { shellCommand } from './shell-quote.js';

export interface DaemonLogOptions {
  /** The agentfleet home on the host: absolute, or relative to the login directory. */
  home: string;
  /** A worker's log (its slot) instead of the daemon's. */
  worker?: number;
  /** Lines to show first. */
  lines: number;
}

export function daemonLogFile(home: string, worker?: number): string {
  const layout = homeLayout(home);
  return worker === undefined ? layout.hostdLog : layout.workerLog(worker);
}

const shown = (file: string) => (posix.isAbsolute(file) ? file : `~/${file}`);

/** The last lines of the log; a missing log is an error naming the file and the host. */
export async function readDaemonLog(s: SshSession, opts: DaemonLogOptions): Promise<string> {
  const file = daemonLogFile(opts.home, opts.worker);
  const r = await s.exec(shellCommand(['tail', '-n', String(opts.lines), '--', file]), { timeoutMs: 60_000 });
  if (r.code !== 0) throw new SshError(s.host.name, `no log ${shown(file)} on ${s.host.name} (${r.stderr.trim() || `tail exited ${r.code}`})`);
  return r.stdout;
}

/** Prints new lines as they come (tail -F: it waits for a log not written yet) until `signal` aborts. */
export async function followDaemonLog(s: SshSession, opts: DaemonLogOptions, onData: (chunk: string, stream: 'stdout' | 'stderr') => void, signal: AbortSignal): Promise<void> {
  const file = daemonLogFile(opts.home, opts.worker);
  await s.stream(shellCommand(['tail', '-n', String(opts.lines), '-F', '--', file]), onData, signal);
  if (!signal.aborted) throw new SshError(s.host.name, `following ${shown(file)} on ${s.host.name} ended: the connection was lost`);
}

// The `fleet top` loop: in a terminal, a full-screen view redrawn every interval (alternate
// screen, raw keyboard: q or Ctrl-C quits); otherwise one summary line per interval.
import type { Readable, Writable } from 'node:stream';
import type { HostSnapshot, RunSnapshot, TaskFailureSnapshot, WaitSnapshot } from '@agentfleet/telemetry';
import type { ProviderSnapshot } from './providers-section.js';
import { renderSummary, renderTop, type TopSnapshot } from './render.js';

/** What `fleet top` reads; the store's FleetStore satisfies it. */
export interface TopSource {
  listHosts(): Promise<readonly HostSnapshot[]>;
  listRuns(opts?: { active?: boolean }): Promise<readonly RunSnapshot[]>;
  recentFailures(limit: number): Promise<readonly TaskFailureSnapshot[]>;
  /** paused providers and permits (the store has them; simple sources may not) */
  providerStates?(): Promise<ProviderSnapshot>;
  /** tasks that wait without a slot (gates, parked tasks); optional for sources without them */
  listWaits?(): Promise<readonly WaitSnapshot[]>;
}

export type TopOutput = Writable & { isTTY?: boolean; columns?: number; rows?: number };
export type TopInput = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

export interface RunTopOptions {
  source: TopSource;
  stdout: TopOutput;
  stdin?: TopInput;
  /** default 1000 */
  intervalMs?: number;
  /** stops the loop (the CLI aborts it on SIGINT/SIGTERM) */
  signal?: AbortSignal;
  /** stop after this many frames (scripts, tests); unlimited by default */
  maxFrames?: number;
  /** recent failures shown; default 5 */
  failuresLimit?: number;
  now?: () => number;
}

const ESC = '\x1b[';
const ENTER_SCREEN = `${ESC}?1049h${ESC}?25l`;
const LEAVE_SCREEN = `${ESC}?25h${ESC}?1049l`;
const QUIT_KEYS = new Set(['q', 'Q', '\x03']);

export async function readTopSnapshot(source: TopSource, failuresLimit: number): Promise<TopSnapshot> {
  const [hosts, runs, failures, providers, waits] = await Promise.all([source.listHosts(), source.listRuns({ active: true }), source.recentFailures(failuresLimit), source.providerStates?.(), source.listWaits?.() ?? []]);
  return { hosts, runs, failures, providers, waits, error: null };
}

/** Screen bytes for one frame: home, each line cleared to its end, the rest of the screen cleared. */
export function frame(lines: readonly string[]): string {
  return `${ESC}H${lines.map((l) => `${l}${ESC}K`).join('\r\n')}\r\n${ESC}J`;
}

export async function runTop(opts: RunTopOptions): Promise<void> {
  const { source, stdout, stdin } = opts;
  const intervalMs = opts.intervalMs ?? 1000;
  const now = opts.now ?? Date.now;
  const failuresLimit = opts.failuresLimit ?? 5;
  const tty = stdout.isTTY === true;

  let stopped = opts.signal?.aborted ?? false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  const redraw = () => wake?.();
  const onKey = (chunk: Buffer | string) => {
    if ([...chunk.toString()].some((c) => QUIT_KEYS.has(c))) stop();
  };

  opts.signal?.addEventListener('abort', stop, { once: true });
  const keyboard = tty && stdin?.isTTY === true && typeof stdin.setRawMode === 'function';
  if (tty) {
    stdout.write(ENTER_SCREEN);
    stdout.on('resize', redraw);
    if (keyboard) {
      stdin.setRawMode!(true);
      stdin.on('data', onKey);
      stdin.resume();
    }
  }

  let last: TopSnapshot = { hosts: [], runs: [], failures: [], error: null };
  try {
    for (let frames = 0; !stopped; ) {
      try {
        last = await readTopSnapshot(source, failuresLimit);
      } catch (err) {
        last = { ...last, error: `cannot read the fleet state: ${(err as Error).message}` };
      }
      if (stopped) break;
      if (tty) stdout.write(frame(renderTop(last, { width: stdout.columns ?? 80, height: stdout.rows, now: now() })));
      else stdout.write(`${renderSummary(last, now())}\n`);
      if (opts.maxFrames !== undefined && ++frames >= opts.maxFrames) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    if (tty) {
      stdout.off('resize', redraw);
      if (keyboard) {
        stdin.off('data', onKey);
        stdin.setRawMode!(false);
        stdin.pause();
      }
      stdout.write(LEAVE_SCREEN);
    }
  }
}

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

/** The terminal while `fleet top` draws: alternate screen, raw keys, redraw on resize. */
class TopTerminal {
  private readonly keyboard: boolean;

  constructor(
    private readonly stdout: TopOutput,
    private readonly stdin: TopInput | undefined,
    private readonly onQuit: () => void,
    private readonly onResize: () => void,
  ) {
    this.keyboard = stdin?.isTTY === true && typeof stdin.setRawMode === 'function';
  }

  private readonly onKey = (chunk: Buffer | string) => {
    if ([...chunk.toString()].some((c) => QUIT_KEYS.has(c))) this.onQuit();
  };

  enter(): void {
    this.stdout.write(ENTER_SCREEN);
    this.stdout.on('resize', this.onResize);
    if (!this.keyboard || !this.stdin) return;
    this.stdin.setRawMode!(true);
    this.stdin.on('data', this.onKey);
    this.stdin.resume();
  }

  leave(): void {
    this.stdout.off('resize', this.onResize);
    if (this.keyboard && this.stdin) {
      this.stdin.off('data', this.onKey);
      this.stdin.setRawMode!(false);
      this.stdin.pause();
    }
    this.stdout.write(LEAVE_SCREEN);
  }
}

/** One frame per interval until stopped (a quit key, the signal, or maxFrames). */
class TopLoop {
  private stopped: boolean;
  private wake: (() => void) | undefined;
  private last: TopSnapshot = { hosts: [], runs: [], failures: [], error: null };
  private readonly tty: boolean;

  constructor(private readonly opts: RunTopOptions) {
    this.stopped = opts.signal?.aborted ?? false;
    this.tty = opts.stdout.isTTY === true;
  }

  readonly stop = () => {
    this.stopped = true;
    this.wake?.();
  };

  async run(): Promise<void> {
    const terminal = this.tty ? new TopTerminal(this.opts.stdout, this.opts.stdin, this.stop, () => this.wake?.()) : undefined;
    this.opts.signal?.addEventListener('abort', this.stop, { once: true });
    terminal?.enter();
    try {
      for (let frames = 0; !this.stopped; ) {
        await this.draw();
        if (this.stopped || (this.opts.maxFrames !== undefined && ++frames >= this.opts.maxFrames)) break;
        await this.sleep(this.opts.intervalMs ?? 1000);
      }
    } finally {
      this.opts.signal?.removeEventListener('abort', this.stop);
      terminal?.leave();
    }
  }

  private async draw(): Promise<void> {
    const { source, stdout } = this.opts;
    const now = (this.opts.now ?? Date.now)();
    try {
      this.last = await readTopSnapshot(source, this.opts.failuresLimit ?? 5);
    } catch (err) {
      this.last = { ...this.last, error: `cannot read the fleet state: ${(err as Error).message}` };
    }
    if (this.stopped) return;
    if (this.tty) stdout.write(frame(renderTop(this.last, { width: stdout.columns ?? 80, height: stdout.rows, now })));
    else stdout.write(`${renderSummary(this.last, now)}\n`);
  }

  /** Waits the interval; a quit or a resize ends the wait early. */
  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }
}

export async function runTop(opts: RunTopOptions): Promise<void> {
  await new TopLoop(opts).run();
}

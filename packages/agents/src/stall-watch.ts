import { FleetError } from '@agentfleet/core';
import type { Agent, AgentEvent, AgentResult, AgentRunRequest } from './types.js';

export interface StallWatchOptions {
  stallTimeoutMs: number;
  /** True when any file of the workspace changed since the given epoch ms (the caller's worktree scan). */
  changedSince: (sinceMs: number) => Promise<boolean>;
  taskId?: string;
  /** How often progress is checked; default a quarter of the timeout (at most 5 s). */
  checkEveryMs?: number;
  now?: () => number;
}

/**
 * Progress-based liveness: an agent is alive while it emits events or changes files.
 * After stallTimeoutMs of neither, `signal` aborts with FleetError kind 'stalled'
 * (agents given that signal kill their process group and rethrow the reason).
 */
export class StallWatch {
  private readonly controller = new AbortController();
  private readonly now: () => number;
  private lastProgress: number;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(private readonly opts: StallWatchOptions) {
    this.now = opts.now ?? Date.now;
    this.lastProgress = this.now();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stalled(): boolean {
    return this.controller.signal.aborted;
  }

  /** Counts an agent event as progress. */
  observe(_e?: AgentEvent): void {
    this.lastProgress = this.now();
  }

  /** Wraps an event sink so that every event counts as progress. */
  wrap(onEvent: (e: AgentEvent) => void): (e: AgentEvent) => void {
    return (e) => {
      this.observe(e);
      onEvent(e);
    };
  }

  start(): this {
    const every = this.opts.checkEveryMs ?? Math.max(10, Math.min(5000, Math.floor(this.opts.stallTimeoutMs / 4)));
    this.lastProgress = this.now();
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async check(): Promise<void> {
    if (this.checking || this.stalled) return;
    this.checking = true;
    try {
      const since = this.lastProgress;
      if (this.now() - since < this.opts.stallTimeoutMs) return;
      const changed = await this.opts.changedSince(since).catch(() => false);
      if (changed) {
        this.lastProgress = this.now();
        return;
      }
      if (this.lastProgress !== since) return; // an event arrived during the scan
      this.stop();
      const secs = Math.round(this.opts.stallTimeoutMs / 1000);
      this.controller.abort(new FleetError('stalled', `task '${this.opts.taskId ?? '?'}': no agent output and no file change for ${secs} s`, { stallTimeoutMs: this.opts.stallTimeoutMs }));
    } finally {
      this.checking = false;
    }
  }
}

/**
 * Runs an agent under a StallWatch: every event counts as progress, and the agent is
 * aborted (its process group killed) with kind 'stalled' after stallTimeoutMs of neither
 * events nor file changes.
 */
export async function runWithStallWatch(agent: Agent, req: AgentRunRequest, opts: Omit<StallWatchOptions, 'taskId'>): Promise<AgentResult> {
  const watch = new StallWatch({ ...opts, taskId: req.task.taskId }).start();
  try {
    return await agent.run({ ...req, signal: AbortSignal.any([req.signal, watch.signal]), onEvent: watch.wrap(req.onEvent) });
  } finally {
    watch.stop();
  }
}

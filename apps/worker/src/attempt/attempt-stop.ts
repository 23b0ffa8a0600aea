import { FleetError } from '@agentfleet/core';
import { StallWatch, type AgentEvent } from '@agentfleet/agents';

export interface StopLimits {
  runId: string;
  taskId: string;
  timeoutMs: number;
  stallTimeoutMs: number;
  /** the workspace's change scan: a file changed since the given epoch ms counts as progress */
  changedSince: (ms: number) => Promise<boolean>;
}

/**
 * The four ways an attempt stops, as one AbortSignal whose reason is a FleetError saying
 * which: its timeout, a cancel of its run, a stall (no agent output and no file change for
 * the stall timeout, watched while agents run), and the worker shutting down.
 */
export class AttemptStop {
  readonly signal: AbortSignal;
  private readonly own = new AbortController();
  private readonly stall: StallWatch;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly limits: StopLimits) {
    this.stall = new StallWatch({ stallTimeoutMs: limits.stallTimeoutMs, changedSince: limits.changedSince, taskId: limits.taskId });
    // One controller: the stall watch's abort is forwarded to it (cheaper than AbortSignal.any per task).
    this.signal = this.own.signal;
    this.stall.signal.addEventListener('abort', () => this.abort(this.stall.signal.reason as FleetError), { once: true });
    this.timer = setTimeout(() => this.abort(new FleetError('timeout', `task ${limits.taskId} exceeded its timeout of ${Math.round(limits.timeoutMs / 1000)}s`)), limits.timeoutMs);
  }

  cancel(): void {
    this.abort(new FleetError('cancelled', `run ${this.limits.runId} was cancelled`));
  }

  /** The worker is going away: the attempt stops and its task is retried elsewhere. */
  shutdown(why: string): void {
    this.abort(new FleetError('internal', why));
  }

  /** Runs `fn` under the stall watch: every event it reports through the given sink counts as progress. */
  async watched<T>(onEvent: (e: AgentEvent) => void, fn: (onEvent: (e: AgentEvent) => void) => Promise<T>): Promise<T> {
    this.stall.start();
    try {
      return await fn(this.stall.wrap(onEvent));
    } finally {
      this.stall.stop();
    }
  }

  /** Why the attempt was stopped, or undefined while nothing stopped it. */
  get reason(): FleetError | undefined {
    const r: unknown = this.signal.reason;
    return this.signal.aborted && r instanceof FleetError ? r : undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.stall.stop();
  }

  private abort(reason: FleetError): void {
    if (!this.own.signal.aborted) this.own.abort(reason);
  }
}

import type { AgentEvent, StepEvent } from '@agentfleet/agents';
import type { Logger } from '@agentfleet/telemetry';

/**
 * The one sink of everything an attempt reports: its agents' events and the fleet's own
 * steps. Today they go to the worker's debug log; every consumer (stall watch, transcript)
 * hangs off `emit`, and gets them with the fleet's secrets already removed.
 */
export class AttemptEvents {
  private readonly sinks: ((e: AgentEvent) => void)[] = [];

  /** `log` is the attempt's logger, made on first use: only when debug lines are wanted. `scrub` removes the fleet's secrets. */
  constructor(base: Logger, log: () => Logger, private readonly scrub?: (s: string) => string) {
    if (base.isLevelEnabled('debug')) this.sinks.push((e) => logEvent(log(), e));
  }

  /** Adds a consumer of every event from now on. */
  on(sink: (e: AgentEvent) => void): void {
    this.sinks.push(sink);
  }

  readonly emit = (e: AgentEvent): void => {
    const clean = this.scrub ? scrubEvent(e, this.scrub) : e;
    for (const sink of this.sinks) sink(clean);
  };

  /** A fleet step: `started`, then `ok`/`failed` with how long it took. */
  step(step: string, status: StepEvent['status'], detail?: string, durationMs?: number): void {
    this.emit({ type: 'step', step, status, ...(detail !== undefined ? { detail } : {}), ...(durationMs !== undefined ? { durationMs } : {}) });
  }

  /** Runs `fn` as a step, reporting its start and its end (ok, or failed with the error's message). */
  async timed<T>(step: string, fn: () => Promise<T>, detail?: (value: T) => string | undefined): Promise<T> {
    const started = Date.now();
    this.step(step, 'started');
    try {
      const value = await fn();
      this.step(step, 'ok', detail?.(value), Date.now() - started);
      return value;
    } catch (e) {
      this.step(step, 'failed', (e as Error).message, Date.now() - started);
      throw e;
    }
  }
}

/** The event with its texts scrubbed (a command's output may print a secret it was given). */
function scrubEvent(e: AgentEvent, scrub: (s: string) => string): AgentEvent {
  switch (e.type) {
    case 'output':
    case 'message':
    case 'status':
      return { ...e, text: scrub(e.text) };
    case 'tool':
      return e.detail === undefined ? e : { ...e, detail: scrub(e.detail) };
    case 'step':
      return e.detail === undefined ? e : { ...e, detail: scrub(e.detail) };
    default:
      return e;
  }
}

function logEvent(log: Logger, e: AgentEvent): void {
  if (e.type === 'output') log.debug({ stream: e.stream }, e.text.trimEnd());
  else if (e.type === 'step') log.debug({ step: e.step, status: e.status, durationMs: e.durationMs }, e.detail ?? e.step);
  else if (e.type !== 'usage') log.debug({ event: e.type }, 'text' in e ? e.text : e.name);
}

import type { AgentEvent, StepEvent } from '@agentfleet/agents';
import type { Logger } from '@agentfleet/telemetry';
import { scrubEvent } from './transcript/scrub-event.js';

/**
 * The one sink of everything an attempt reports: its agents' events and the fleet's own
 * steps: the worker's debug log, the stall watch, the failure evidence and the transcript
 * all hang off `emit`, and get them with the fleet's secrets already removed.
 */
export class AttemptEvents {
  private readonly sinks: ((e: AgentEvent) => void)[] = [];

  /** `log` is the attempt's logger, made on first use: only when debug lines are wanted. `secrets`: what no sink may see. */
  constructor(base: Logger, log: () => Logger, private readonly secrets: readonly string[] = []) {
    if (base.isLevelEnabled('debug')) this.sinks.push((e) => logEvent(log(), e));
  }

  /** Adds a consumer of every event from now on. */
  on(sink: (e: AgentEvent) => void): void {
    this.sinks.push(sink);
  }

  readonly emit = (e: AgentEvent): void => {
    // a command's output may print a secret it was given: no sink (debug log, evidence, transcript) gets it
    const clean = this.secrets.length ? scrubEvent(e, this.secrets) : e;
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

function logEvent(log: Logger, e: AgentEvent): void {
  if (e.type === 'output') log.debug({ stream: e.stream }, e.text.trimEnd());
  else if (e.type === 'step') log.debug({ step: e.step, status: e.status, durationMs: e.durationMs }, e.detail ?? e.step);
  else if (e.type === 'command') log.debug({ event: 'command', phase: e.phase, exitCode: e.exitCode }, e.command);
  else if (e.type === 'tool_call') log.debug({ event: e.type }, `${e.name} ${e.args ?? ''}`);
  else if (e.type === 'file_change') log.debug({ event: e.type }, e.paths.join(', '));
  else if (e.type === 'error') log.debug({ event: e.type, transient: e.transient }, e.message);
  else if (e.type !== 'usage') log.debug({ event: e.type }, e.text);
}

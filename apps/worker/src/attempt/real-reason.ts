import { agentFailureReason, FleetError, isModelBacked, type AgentKind, type TranscriptEvent } from '@agentfleet/core';
import type { TaskResult } from '@agentfleet/store';
import { tailLine } from './failure.js';

/** The errors an attempt's agents reported (the last ones), kept to say why it failed. */
export class FailureEvidence {
  private readonly errors: TranscriptEvent[] = [];

  readonly add = (e: TranscriptEvent): void => {
    if (e.type !== 'error') return;
    this.errors.push(e);
    if (this.errors.length > 50) this.errors.shift();
  };

  get reason(): string | undefined {
    return agentFailureReason(this.errors);
  }
}

/**
 * Why an agent that exited non-zero failed, the real reason first: the agent's own error
 * event; else, for a model-backed agent, its final summary (it says what went wrong); else
 * the end of its output.
 */
export function exitFailure(exit: number, agent: AgentKind, result: TaskResult, evidence: FailureEvidence): FleetError {
  const reason = evidence.reason ?? (isModelBacked(agent) && result.summary ? result.summary : undefined);
  const text = reason ? `: ${reason.replace(/\s+/g, ' ').trim().slice(0, 500)}` : tailLine(result.outputTail);
  return new FleetError('exit_code', `exit code ${exit}${text}`);
}

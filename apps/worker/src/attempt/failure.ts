import { FleetError, type ErrorKind } from '@agentfleet/core';

/**
 * Failures that a retry cannot fix: the task fails at once, its retries unspent. A failed
 * check or setup is a fact about the code, not about the host or the agent process.
 */
const FINAL_KINDS = new Set<ErrorKind | string>(['merge_conflict', 'budget_exceeded', 'cancelled', 'check_failed', 'setup_failed', 'agent_unusable', 'condition_error', 'bad_outputs', 'bad_fragment']);

/** What becomes of an attempt that failed: nothing more (cancelled), another attempt, or the task fails. */
export type FailureVerdict = 'cancelled' | 'retry' | 'final';

export function classifyFailure(error: FleetError, attemptsLeft: number): FailureVerdict {
  if (error.kind === 'cancelled') return 'cancelled';
  return FINAL_KINDS.has(error.kind) || attemptsLeft <= 0 ? 'final' : 'retry';
}

/** The error that ended an attempt: the stop's reason when it was stopped (timeout, stall...), else what was thrown. */
export function asFleetError(err: unknown, stopReason: FleetError | undefined): FleetError {
  if (stopReason) return stopReason;
  if (err instanceof FleetError) return err;
  return new FleetError('internal', (err as Error)?.message ?? String(err));
}

/** The last lines of an output tail, for an error message. */
export function tailLine(tail: string | null | undefined): string {
  const last = tail?.trim().split('\n').slice(-3).join(' | ');
  return last ? `: ${last.slice(0, 300)}` : '';
}

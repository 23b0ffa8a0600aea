import { FleetError, formatDuration, type NetworkMode } from '@agentfleet/core';
import type { AttemptEvents } from './attempt-events.js';
import { tailLine } from './failure.js';
import type { TaskCommandResult } from './task-command.js';

/** Starts one of the task's commands in its workspace (runTaskCommand bound to the attempt); `network` other than the task's: the setup's. */
export type RunCommand = (command: string, timeoutMs: number, network?: NetworkMode) => Promise<TaskCommandResult>;

/** One check run, as the history's `rounds` records it: round 1 follows the agent's first run, round 2 the first fix round. */
export interface CheckRun {
  round: number;
  check: string;
  exitCode: number;
  durationMs: number;
}

export interface CheckFailure {
  check: string;
  exitCode: number;
  timedOut: boolean;
  timeoutMs: number;
  /** scrubbed of secrets */
  tail: string;
}

/**
 * Runs the checks in order after the agent, as the worker's own step: the first that does not
 * exit 0 ends the round. Every run is appended to `runs` as it ends.
 */
export async function runChecks(o: { checks: readonly string[]; round: number; timeoutMs: number; run: RunCommand; events: AttemptEvents; scrub: (s: string) => string; runs: CheckRun[] }): Promise<CheckFailure | null> {
  for (const check of o.checks) {
    o.events.step('check', 'started', check);
    const res = await o.run(check, o.timeoutMs);
    o.runs.push({ round: o.round, check, exitCode: res.exitCode, durationMs: res.durationMs });
    const ok = res.exitCode === 0;
    o.events.step('check', ok ? 'ok' : 'failed', `${check}: ${res.timedOut ? `timed out after ${formatDuration(o.timeoutMs)}` : `exit code ${res.exitCode}`}`, res.durationMs);
    if (!ok) return { check, exitCode: res.exitCode, timedOut: res.timedOut, timeoutMs: o.timeoutMs, tail: o.scrub(res.tail) };
  }
  return null;
}

/** What a failed check says in one line: the command, how it ended, its last output lines. */
export function describeCheckFailure(f: CheckFailure): string {
  const how = f.timedOut ? `timed out after ${formatDuration(f.timeoutMs)}` : `failed (exit code ${f.exitCode})`;
  return `check '${f.check}' ${how}${tailLine(f.tail)}`;
}

/** The task's end when its checks still fail with no fix round left: final, as a fact about the code. */
export function checkFailedError(f: CheckFailure, fixRoundsRun: number): FleetError {
  const after = fixRoundsRun > 0 ? ` after ${fixRoundsRun} fix round${fixRoundsRun === 1 ? '' : 's'}` : '';
  return new FleetError('check_failed', `${describeCheckFailure(f)}${after}`, { check: f.check, exitCode: f.exitCode });
}

/**
 * The prompt of a fix round: the task's own prompt, then what failed. The agent works on in
 * the same workspace, so its earlier changes are still there.
 */
export function fixPrompt(original: string, f: CheckFailure, round: number, rounds: number): string {
  const how = f.timedOut ? `did not finish within ${formatDuration(f.timeoutMs)}` : `exited with code ${f.exitCode}`;
  return `${original}

## Fix round ${round} of ${rounds}: a check failed
After your changes the fleet ran the project's check \`${f.check}\` in this workspace, and it ${how}. The last lines of its output:
\`\`\`
${f.tail.trimEnd() || '(no output)'}
\`\`\`
Change the code so that this check passes; your previous changes are still in the workspace. When you finish, the fleet runs the checks again.`;
}

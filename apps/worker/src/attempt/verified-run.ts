import { isModelBacked } from '@agentfleet/core';
import type { AgentResult } from '@agentfleet/agents';
import type { ReviewRecord } from '@agentfleet/store';
import { runTaskAgent, type AgentRunInputs } from './agent-run.js';
import { fixPrompt, runChecks, type CheckFailure, type CheckRun, type RunCommand } from './checks.js';

export interface VerifiedRunInputs extends AgentRunInputs {
  run: RunCommand;
  scrub: (s: string) => string;
  /** every check run, appended as it ends (the attempt records them whatever its end) */
  runs: CheckRun[];
  /** wraps each round of checks (an eval case's hidden files are in place only while they run) */
  aroundChecks?: <T>(checks: () => Promise<T>) => Promise<T>;
}

export interface VerifiedRun {
  result: AgentResult;
  review: ReviewRecord[] | null;
  /** the check that still failed when no fix round was left (null: all passed, or none to run) */
  failure: CheckFailure | null;
  fixRounds: number;
}

/**
 * The agent, then the task's checks; for model-backed agents a failing check sends the agent
 * back with the original prompt, the failing command and its output, up to `fix_rounds`
 * times, the checks running again after each round. Every run spends into the same meter.
 */
export async function runVerifiedAgent(v: VerifiedRunInputs): Promise<VerifiedRun> {
  const { spec } = v.ctx;
  const checks = spec.checks ?? [];
  const maxRounds = isModelBacked(spec.agent) ? (spec.fixRounds ?? 1) : 0;
  const timeoutMs = spec.checkTimeoutMs ?? 10 * 60_000;
  let ran = await runTaskAgent(v);
  for (let fix = 0; ; fix++) {
    if (ran.result.exit !== 0 || checks.length === 0) return { ...ran, failure: null, fixRounds: fix };
    const round = () => runChecks({ checks, round: fix + 1, timeoutMs, run: v.run, events: v.events, scrub: v.scrub, runs: v.runs });
    const failure = await (v.aroundChecks ? v.aroundChecks(round) : round());
    if (!failure || fix >= maxRounds) return { ...ran, failure, fixRounds: fix };
    v.events.step('fix round', 'started', `${fix + 1} of ${maxRounds}: ${failure.check} exit code ${failure.exitCode}`);
    ran = await runTaskAgent({ ...v, prompt: fixPrompt(spec.prompt ?? '', failure, fix + 1, maxRounds) });
  }
}

import { homedir } from 'node:os';
import { defaultConfig, isModelBacked } from '@agentfleet/core';
import type { Confinement } from '@agentfleet/sandbox';
import { createAgent, runWithReview, type AgentResult, type AgentRunRequest, type ProviderPauses, type ProviderPermits, type SpendMeter } from '@agentfleet/agents';
import type { ReviewRecord, TaskContext } from '@agentfleet/store';
import type { Logger } from '@agentfleet/telemetry';
import type { AttemptEvents } from './attempt-events.js';
import type { AttemptStop } from './attempt-stop.js';

const DEFAULT_CONFIG = defaultConfig();

export interface AgentRunInputs {
  ctx: TaskContext;
  dir: string;
  /** the environment agents get (taskProcessEnv: the allowlist and the task's named variables) */
  env: NodeJS.ProcessEnv;
  /** the task's sandbox (absent: unconfined) */
  sandbox?: Confinement;
  /** the daemon's variables: where provider keys are read (a CLI agent passes its own one on) */
  credentials: NodeJS.ProcessEnv;
  /** the fleet's secrets removed from what goes to a model */
  scrub: (s: string) => string;
  /** instead of the task's prompt (a fix round, the merge queue's resolver) */
  prompt?: string;
  pauses: ProviderPauses;
  permits?: ProviderPermits;
  meter: SpendMeter;
  stop: AttemptStop;
  events: AttemptEvents;
  /** the attempt's logger (made on first use) */
  log: () => Logger;
  /** the task's changes so far as a unified diff (what a reviewer reads) */
  diff: () => Promise<string>;
}

/** Runs the task's agent in its workspace (with the review loop when the task has one), under the stall watch. */
export async function runTaskAgent(inputs: AgentRunInputs): Promise<{ result: AgentResult; review: ReviewRecord[] | null }> {
  const { ctx, stop, log } = inputs;
  return stop.watched(inputs.events.emit, async (onEvent) => {
    const request: AgentRunRequest = {
      task: { runId: ctx.runId, taskId: ctx.taskId, title: ctx.spec.title, agent: ctx.spec.agent, prompt: inputs.prompt ?? ctx.spec.prompt, run: ctx.spec.run, complexity: ctx.spec.complexity, risk: ctx.spec.risk, ...(ctx.spec.tier ? { tier: ctx.spec.tier } : {}) },
      workdir: inputs.dir,
      env: inputs.env,
      sandbox: inputs.sandbox,
      sandboxed: inputs.sandbox !== undefined,
      credentials: inputs.credentials,
      loginHome: homedir(),
      scrub: inputs.scrub,
      budget: {},
      signal: stop.signal,
      onEvent,
      meter: inputs.meter,
      config: { ...DEFAULT_CONFIG, ...ctx.run.config },
      pauses: inputs.pauses,
      permits: inputs.permits,
      // only model-backed agents log (their provider chain)
      logger: isModelBacked(ctx.spec.agent) ? log() : undefined,
    };
    const builder = createAgent(ctx.spec.agent);
    if (!ctx.spec.review) return { result: await builder.run(request), review: null };
    // the diff goes to the reviewer's model: the fleet's secrets out of it first
    const getDiff = async () => inputs.scrub(await inputs.diff());
    const reviewed = await runWithReview({ builder, reviewer: createAgent(ctx.spec.review.agent), request, review: ctx.spec.review, getDiff });
    return { result: reviewed.result, review: reviewed.verdicts.map((v) => ({ round: v.round, verdict: v.verdict, issues: v.issues })) };
  });
}

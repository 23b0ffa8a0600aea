import type { Tier } from '@agentfleet/core';
import { budgetOverrun, effectiveBudget } from '../budget.js';
import { waitForPause } from '../providers/chain.js';
import { tierFor } from '../tiers.js';
import type { Agent, AgentResult, AgentRunRequest } from '../types.js';
import { costForModel } from '../usage.js';
import { claudeUsageSoFar, newClaudeState, parseClaudeLine } from './claude-events.js';
import { OWN_LOGIN_KEYS, ownSandboxOff, withKeys } from './cli-confinement.js';
import { runJsonlCli } from './run-cli.js';

/** The name Claude Code's rate limits are paused under, fleet-wide. */
export const CLAUDE_PROVIDER = 'anthropic';

export interface ClaudeAgentOptions {
  bin?: string;
  /** Model per tier (claude --model accepts aliases). */
  models?: Partial<Record<Tier, string>>;
}

const DEFAULT_MODELS: Record<Tier, string> = { low: 'haiku', medium: 'sonnet', high: 'opus' };

export function claudeArgs(model: string): string[] {
  // edits and commands run without asking: nobody is there to answer, the worktree is the boundary
  return ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'bypassPermissions', '--model', model];
}

/** Claude Code in print mode; the prompt goes on stdin (no argv length limit, not visible in ps). */
export class ClaudeAgent implements Agent {
  constructor(private readonly opts: ClaudeAgentOptions = {}) {}

  async run(req: AgentRunRequest): Promise<AgentResult> {
    const { task } = req;
    const bin = this.opts.bin ?? req.env.AGENTFLEET_CLAUDE_BIN ?? process.env.AGENTFLEET_CLAUDE_BIN ?? 'claude';
    const tier = tierFor(task.complexity, task.risk);
    const requestedModel = this.opts.models?.[tier] ?? DEFAULT_MODELS[tier];
    const budget = effectiveBudget(req.budget, req.config);
    await waitForPause(req, CLAUDE_PROVIDER);
    const state = newClaudeState();
    const share = req.meter.share();
    // The result event's total_cost_usd is what Anthropic billed; until it comes, the price table's estimate.
    const track = () => {
      const usage = claudeUsageSoFar(state);
      const model = state.model ?? requestedModel;
      share.set(usage, state.result?.costUsd ?? costForModel(usage, req.config.pricing, model), { provider: CLAUDE_PROVIDER, model });
    };
    // claude as root skips its permission prompts only when told it is in a sandbox: ours
    const sandboxed = ownSandboxOff(req, 'claude');
    const run = await runJsonlCli(req, bin, claudeArgs(requestedModel), {
      env: { ...withKeys(req, OWN_LOGIN_KEYS.claude), ...(sandboxed ? { IS_SANDBOX: '1' } : {}) },
      stdin: task.prompt ?? task.title,
      onLine: (line) => {
        const events = parseClaudeLine(line, state);
        if (!events.some((e) => e.type === 'usage') && !state.result) return { events };
        track();
        return { events, stop: budgetOverrun(budget, req.meter, task.taskId) };
      },
    });
    track();
    if (state.rateLimitedUntil && state.rateLimitedUntil > Date.now()) await req.pauses.pause(CLAUDE_PROVIDER, state.rateLimitedUntil);
    const usage = claudeUsageSoFar(state);
    const model = state.model ?? requestedModel;
    const costUsd = state.result?.costUsd ?? costForModel(usage, req.config.pricing, model);
    const failed = run.exit !== 0 || !state.result || state.result.isError;
    const exit = run.exit !== 0 ? run.exit : failed ? 1 : 0;
    const summary = !failed
      ? state.result?.text || 'claude finished'
      : `claude failed: ${state.result ? `${state.result.subtype}${state.result.text ? `: ${state.result.text}` : ''}` : `exit ${run.exit} without a result event`}`;
    const over = budgetOverrun(budget, req.meter, task.taskId);
    if (over) throw over;
    return { exit, summary, usage, costUsd, provider: CLAUDE_PROVIDER, model, outputTail: run.outputTail };
  }
}

import { providersFor, WaitRequest, type Tier } from '@agentfleet/core';
import { abortError, budgetOverrun, effectiveBudget } from '../budget.js';
import { ProviderChain, waitForPause, type ProviderChoice } from '../providers/chain.js';
import { providerStep } from '../providers/provider-step.js';
import type { CooldownRegistry } from '../providers/cooldowns.js';
import { tierFor } from '../tiers.js';
import type { Agent, AgentResult, AgentRunRequest, PermitLease } from '../types.js';
import { costForModel, priceFor } from '../usage.js';
import { claudeUsageSoFar, newClaudeState, parseClaudeLine, type ClaudeStreamState } from './claude-events.js';
import { watchClaudeLimits, type ClaudeLimits } from './claude-limits.js';
import { assertClaudeRuns, claudeEnv } from './claude-setup.js';
import { runJsonlCli } from './run-cli.js';

/** The name Claude Code's own limits are paused under, fleet-wide, when no `api: anthropic` provider is configured. */
export const CLAUDE_PROVIDER = 'anthropic';

export interface ClaudeAgentOptions {
  bin?: string;
  /** Model per tier (claude --model accepts aliases) when no provider names them. */
  models?: Partial<Record<Tier, string>>;
  cooldowns?: CooldownRegistry;
  /** waits for every provider longer than this park the task (default 60 s) */
  parkAfterMs?: number;
}

const DEFAULT_MODELS: Record<Tier, string> = { low: 'haiku', medium: 'sonnet', high: 'opus' };

export function claudeArgs(model: string): string[] {
  // edits and commands run without asking: nobody is there to answer, the worktree is the boundary
  return ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'bypassPermissions', '--model', model];
}

/**
 * Claude Code in print mode; the prompt goes on stdin (no argv length limit, not visible in
 * ps). With `api: anthropic` providers, the chain picks the endpoint (ANTHROPIC_BASE_URL),
 * its key and its model; without, claude uses its own login. Its 429 retries pause the
 * provider fleet-wide; a subscription usage limit parks the task until the reset.
 */
export class ClaudeAgent implements Agent {
  constructor(private readonly opts: ClaudeAgentOptions = {}) {}

  async run(req: AgentRunRequest): Promise<AgentResult> {
    const { task } = req;
    assertClaudeRuns(req);
    const bin = this.opts.bin ?? req.env.AGENTFLEET_CLAUDE_BIN ?? process.env.AGENTFLEET_CLAUDE_BIN ?? 'claude';
    const tier = tierFor(task.complexity, task.risk, task.tier);
    const providers = providersFor(req.config.providers, 'claude');
    const chain = providers.length
      ? new ProviderChain(providers, { pauses: req.pauses, permits: req.permits, env: req.credentials ?? req.env, cooldowns: this.opts.cooldowns, logger: req.logger, parkAfterMs: this.opts.parkAfterMs, onStatus: (text) => req.onEvent(providerStep(text)), holder: { runId: task.runId, taskId: task.taskId } })
      : undefined;
    let picked: (ProviderChoice & { permit?: PermitLease }) | undefined;
    if (chain) picked = await chain.pick(tier, req.signal).catch((e: unknown) => {
      throw req.signal.aborted ? abortError(req.signal, task.taskId) : e;
    });
    else await waitForPause(req, CLAUDE_PROVIDER, this.opts.parkAfterMs);
    try {
      return await this.runClaude(req, bin, picked, picked?.model ?? this.opts.models?.[tier] ?? DEFAULT_MODELS[tier], chain);
    } finally {
      await picked?.permit?.release();
    }
  }

  private async runClaude(req: AgentRunRequest, bin: string, picked: ProviderChoice | undefined, requestedModel: string, chain: ProviderChain | undefined): Promise<AgentResult> {
    const { task } = req;
    const providerName = picked?.provider.name ?? CLAUDE_PROVIDER;
    const budget = effectiveBudget(req.budget, req.config);
    const state = newClaudeState();
    const limits: ClaudeLimits = {};
    const pausing: Promise<void>[] = [];
    const share = req.meter.share();
    const track = () => {
      const usage = claudeUsageSoFar(state);
      const model = state.model ?? requestedModel;
      share.set(usage, claudeCost(req, state, model), { provider: providerName, model });
    };
    const run = await runJsonlCli(req, bin, claudeArgs(requestedModel), {
      env: await claudeEnv(req, picked?.provider),
      stdin: task.prompt ?? task.title,
      onLine: (line) => {
        // claude keeps retrying a 429 itself; the rest of the fleet holds off until the delay it was given
        if (watchClaudeLimits(line, limits) === 'retry' && limits.retryUntil) pausing.push(req.pauses.pause(providerName, limits.retryUntil, `429 from ${providerName} (claude retries)`).catch(() => undefined));
        const events = parseClaudeLine(line, state);
        if (!events.some((e) => e.type === 'usage') && !state.result) return { events };
        track();
        return { events, stop: budgetOverrun(budget, req.meter, task.taskId) };
      },
    });
    track();
    await Promise.all(pausing);
    if (limits.usageLimit) {
      const { until, window } = limits.usageLimit;
      await req.pauses.pause(providerName, until, `claude usage limit (${window})`);
      throw new WaitRequest({ kind: 'usage_limit', reason: `claude usage limit (${window}) on ${providerName}; resets ${new Date(until).toISOString()}`, until });
    }
    if (picked && chain && connectionFailed(state, run.exit)) chain.markDown(picked.provider, state.result?.text ?? `exit ${run.exit}`);
    return this.result(req, state, run, requestedModel, providerName);
  }

  private result(req: AgentRunRequest, state: ClaudeStreamState, run: { exit: number; outputTail: string }, requestedModel: string, providerName: string): AgentResult {
    const usage = claudeUsageSoFar(state);
    const model = state.model ?? requestedModel;
    const costUsd = claudeCost(req, state, model);
    const failed = run.exit !== 0 || !state.result || state.result.isError;
    const exit = run.exit !== 0 ? run.exit : failed ? 1 : 0;
    const summary = !failed
      ? state.result?.text || 'claude finished'
      : `claude failed: ${state.result ? `${state.result.subtype}${state.result.text ? `: ${state.result.text}` : ''}` : `exit ${run.exit} without a result event`}`;
    const over = budgetOverrun(effectiveBudget(req.budget, req.config), req.meter, req.task.taskId);
    if (over) throw over;
    return { exit, summary, usage, costUsd, provider: providerName, model, outputTail: run.outputTail };
  }
}

/**
 * What the run cost: by the price table when it prices the model (a gateway's own models,
 * negotiated prices), else the result event's total_cost_usd (Claude Code's own price list);
 * before the result comes, the table's estimate.
 */
function claudeCost(req: AgentRunRequest, state: ClaudeStreamState, model: string): number {
  const usage = claudeUsageSoFar(state);
  if (priceFor(req.config.pricing, model)) return costForModel(usage, req.config.pricing, model);
  return state.result?.costUsd ?? 0;
}

/** claude gave up on the endpoint itself (refused, unreachable): the next attempt should try the next provider. */
function connectionFailed(state: ClaudeStreamState, exit: number): boolean {
  const text = state.result?.text ?? '';
  return (exit !== 0 || state.result?.isError === true) && /connection error|ECONNREFUSED|ENOTFOUND|fetch failed|unable to connect/i.test(text);
}

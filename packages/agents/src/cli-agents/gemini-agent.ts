import { rm } from 'node:fs/promises';
import { providersFor } from '@agentfleet/core';
import { abortError, budgetOverrun, effectiveBudget } from '../budget.js';
import { ProviderChain, waitForPause, type ProviderChoice } from '../providers/chain.js';
import { providerStep } from '../providers/provider-step.js';
import type { CooldownRegistry } from '../providers/cooldowns.js';
import { tierFor } from '../tiers.js';
import type { Agent, AgentResult, AgentRunRequest, PermitLease } from '../types.js';
import { costForModel } from '../usage.js';
import { geminiRetryAfterMs, newGeminiState, parseGeminiLine, type GeminiStreamState } from './gemini-events.js';
import { geminiArgs, geminiEnv } from './gemini-setup.js';
import { runJsonlCli } from './run-cli.js';

/** The name Gemini's own limits are paused under, fleet-wide, when no `api: gemini` provider is configured. */
export const GEMINI_PROVIDER = 'gemini';

export interface GeminiAgentOptions {
  bin?: string;
  cooldowns?: CooldownRegistry;
  /** waits for every provider longer than this park the task (default 60 s) */
  parkAfterMs?: number;
  /** where per-job GEMINI_CLI_HOMEs are made (default ~/.agentfleet/gemini-homes) */
  homesDir?: string;
}

/**
 * Google's Gemini CLI in headless mode (stream-json events, prompt on stdin, tools approved).
 * With `api: gemini` providers the chain picks the endpoint, key and model; its own 429
 * retries (reported on stderr with the delay the API suggested) pause the provider fleet-wide.
 */
export class GeminiAgent implements Agent {
  constructor(private readonly opts: GeminiAgentOptions = {}) {}

  async run(req: AgentRunRequest): Promise<AgentResult> {
    const { task } = req;
    const providers = providersFor(req.config.providers, 'gemini');
    const chain = providers.length
      ? new ProviderChain(providers, { pauses: req.pauses, permits: req.permits, env: req.credentials ?? req.env, cooldowns: this.opts.cooldowns, logger: req.logger, parkAfterMs: this.opts.parkAfterMs, onStatus: (text) => req.onEvent(providerStep(text)), holder: { runId: task.runId, taskId: task.taskId } })
      : undefined;
    let picked: (ProviderChoice & { permit?: PermitLease }) | undefined;
    if (chain) picked = await chain.pick(tierFor(task.complexity, task.risk, task.tier), req.signal).catch((e: unknown) => {
      throw req.signal.aborted ? abortError(req.signal, task.taskId) : e;
    });
    else await waitForPause(req, GEMINI_PROVIDER, this.opts.parkAfterMs);
    const setup = await geminiEnv(req, picked?.provider, this.opts.homesDir);
    try {
      return await this.runGemini(req, picked, setup.env);
    } finally {
      await picked?.permit?.release();
      if (setup.home) await rm(setup.home, { recursive: true, force: true });
    }
  }

  private async runGemini(req: AgentRunRequest, picked: ProviderChoice | undefined, env: NodeJS.ProcessEnv): Promise<AgentResult> {
    const { task } = req;
    const bin = this.opts.bin ?? req.env.AGENTFLEET_GEMINI_BIN ?? process.env.AGENTFLEET_GEMINI_BIN ?? 'gemini';
    const providerName = picked?.provider.name ?? GEMINI_PROVIDER;
    const budget = effectiveBudget(req.budget, req.config);
    const state = newGeminiState();
    const share = req.meter.share();
    const pausing: Promise<void>[] = [];
    const run = await runJsonlCli(req, bin, geminiArgs(picked?.model), {
      env,
      stdin: task.prompt ?? task.title,
      onLine: (line) => {
        const events = parseGeminiLine(line, state);
        if (!state.result) return { events };
        const model = state.model ?? picked?.model;
        share.set(state.result.usage, costForModel(state.result.usage, req.config.pricing, model), { provider: providerName, model });
        return { events, stop: budgetOverrun(budget, req.meter, task.taskId) };
      },
      onStderr: (text) => {
        const ms = geminiRetryAfterMs(text);
        // gemini keeps retrying the 429 itself; the rest of the fleet holds off as the API asked
        if (ms) pausing.push(req.pauses.pause(providerName, Date.now() + ms, `429 from ${providerName} (gemini retries)`).catch(() => undefined));
      },
    });
    await Promise.all(pausing);
    return geminiResult(req, state, run, providerName, picked?.model);
  }
}

function geminiResult(req: AgentRunRequest, state: GeminiStreamState, run: { exit: number; outputTail: string }, providerName: string, requested: string | undefined): AgentResult {
  const usage = state.result?.usage ?? { input: 0, cachedInput: 0, output: 0 };
  const model = state.model ?? requested;
  const failed = run.exit !== 0 || !state.result?.ok;
  const exit = run.exit !== 0 ? run.exit : failed ? 1 : 0;
  const why = state.result?.error ?? state.errors.at(-1) ?? (state.result ? state.result.status : `exit ${run.exit} without a result event`);
  const summary = failed ? `gemini failed: ${why}` : state.text.trim() || 'gemini finished';
  return { exit, summary, usage, costUsd: costForModel(usage, req.config.pricing, model), provider: providerName, model, outputTail: run.outputTail };
}

import { FleetError, providersFor } from '@agentfleet/core';
import { abortError, effectiveBudget } from '../budget.js';
import { ProviderChain } from '../providers/chain.js';
import type { CooldownRegistry } from '../providers/cooldowns.js';
import { tierFor } from '../tiers.js';
import type { Agent, AgentEvent, AgentResult, AgentRunRequest } from '../types.js';
import { providerStep } from '../providers/provider-step.js';
import { LlmSession } from './llm-session.js';

export interface LlmAgentOptions {
  maxTurns?: number;
  cooldowns?: CooldownRegistry;
  /** Waits for every provider longer than this park the task (default 60 s). */
  parkAfterMs?: number;
}

export const LLM_SYSTEM_PROMPT = `You are a coding agent working alone in a git workspace (the current directory).
Use the tools to inspect and change files and to run commands (tests, builds). All paths are relative to the workspace root; paths outside it are refused.
Prefer apply_patch (unified diff) for edits to existing files and write_file for new files. Do not commit: the fleet commits your changes.
When the task is done, call finish with a short summary of what you changed and how you checked it.`;

/**
 * The built-in tool-calling agent on any OpenAI-compatible chat completions endpoint.
 * Budgets are checked after every model turn (llm-session.ts); the provider chain picks the
 * endpoint per turn.
 */
export class LlmAgent implements Agent {
  constructor(private readonly opts: LlmAgentOptions = {}) {}

  async run(req: AgentRunRequest): Promise<AgentResult> {
    const { task } = req;
    if (!task.prompt) throw new FleetError('agent_error', `task '${task.taskId}': an llm task needs a prompt`);
    const maxTurns = this.opts.maxTurns ?? 50;
    const budget = effectiveBudget(req.budget, req.config);
    const tier = tierFor(task.complexity, task.risk, task.tier);
    const emit = (e: AgentEvent) => req.onEvent(e);
    const chain = new ProviderChain(providersFor(req.config.providers, 'llm'), {
      pauses: req.pauses,
      permits: req.permits,
      // the model calls are the worker's own: their keys come from its environment, not the task's
      env: req.credentials ?? req.env,
      cooldowns: this.opts.cooldowns,
      logger: req.logger,
      parkAfterMs: this.opts.parkAfterMs,
      onStatus: (text) => emit(providerStep(text)),
      holder: { runId: task.runId, taskId: task.taskId },
    });
    const session = new LlmSession(req, chain, tier, budget, [
      { role: 'system', content: LLM_SYSTEM_PROMPT },
      { role: 'user', content: `Task '${task.taskId}': ${task.title}\n\n${task.prompt}` },
    ]);
    try {
      for (let turn = 1; turn <= maxTurns; turn++) {
        if (req.signal.aborted) throw abortError(req.signal, task.taskId);
        const done = await session.turn();
        if (done) return done;
      }
      return session.result(1, `stopped after ${maxTurns} turns without calling finish`);
    } catch (e) {
      if (req.signal.aborted) throw abortError(req.signal, task.taskId);
      throw e;
    }
  }
}

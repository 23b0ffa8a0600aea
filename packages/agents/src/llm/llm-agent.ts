import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { FleetError, providersFor, roundUsd, shortArgs } from '@agentfleet/core';
import { abortError, budgetOverrun, effectiveBudget } from '../budget.js';
import { ProviderChain } from '../providers/chain.js';
import type { CooldownRegistry } from '../providers/cooldowns.js';
import { TailBuffer } from '../process-group.js';
import { tierFor } from '../tiers.js';
import type { Agent, AgentEvent, AgentResult, AgentRunRequest, Usage } from '../types.js';
import { addUsage, costForModel, emptyUsage } from '../usage.js';
import { providerStep } from '../providers/provider-step.js';
import { streamTurn } from './stream-turn.js';
import { runTool, TOOL_DEFINITIONS } from './tools.js';

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
 * Budgets are checked after every model turn; the provider chain picks the endpoint per turn.
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
      env: req.env,
      cooldowns: this.opts.cooldowns,
      logger: req.logger,
      parkAfterMs: this.opts.parkAfterMs,
      onStatus: (text) => emit(providerStep(text)),
      holder: { runId: task.runId, taskId: task.taskId },
    });
    const tail = new TailBuffer();
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: LLM_SYSTEM_PROMPT },
      { role: 'user', content: `Task '${task.taskId}': ${task.title}\n\n${task.prompt}` },
    ];
    const share = req.meter.share();
    let usage: Usage = emptyUsage();
    let costUsd = 0;
    let provider: string | undefined;
    let model: string | undefined;
    const result = (exit: number, summary: string): AgentResult => ({ exit, summary, usage, costUsd, provider, model, outputTail: tail.toString() });
    const toolCtx = {
      workdir: req.workdir,
      env: req.env,
      signal: req.signal,
      onEvent: (e: AgentEvent) => {
        if (e.type === 'output') tail.push(e.text);
        emit(e);
      },
    };

    try {
      for (let turn = 1; turn <= maxTurns; turn++) {
        if (req.signal.aborted) throw abortError(req.signal, task.taskId);
        const served = await chain.call(tier, req.signal, (ctx) => streamTurn(ctx, { messages, tools: TOOL_DEFINITIONS }));
        const t = served.value;
        provider = served.provider.name;
        model = served.model;
        usage = addUsage(usage, t.usage);
        costUsd = roundUsd(costUsd + costForModel(t.usage, req.config.pricing, model));
        share.set(usage, costUsd, { provider, model });
        emit({ type: 'usage', usage: t.usage });
        if (t.content) {
          tail.push(t.content + '\n');
          emit({ type: 'message', text: t.content });
        }
        const over = budgetOverrun(budget, req.meter, task.taskId);
        if (over) throw over;
        if (t.toolCalls.length === 0) {
          // a plain answer without tools is the model saying it is done
          return result(0, t.content.trim() || 'finished without a summary');
        }
        messages.push({
          role: 'assistant',
          content: t.content || null,
          tool_calls: t.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })),
        });
        for (const call of t.toolCalls) {
          // a command shows as itself (command events), the rest as the call
          if (call.name !== 'run_command' && call.name !== 'finish') emit({ type: 'tool_call', name: call.name, args: shortArgs(call.arguments) });
          const outcome = await runTool(call.name, call.arguments, toolCtx);
          if (outcome.kind === 'finish') return result(0, outcome.summary);
          messages.push({ role: 'tool', tool_call_id: call.id, content: outcome.content });
        }
      }
      return result(1, `stopped after ${maxTurns} turns without calling finish`);
    } catch (e) {
      if (req.signal.aborted) throw abortError(req.signal, task.taskId);
      throw e;
    }
  }
}

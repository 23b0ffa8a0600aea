// One run of the llm agent: the conversation, what it spent so far, and its turns (a model call,
// then the tools it asked for). The agent (llm-agent.ts) sets it up and loops over its turns.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { roundUsd, shortArgs, type Tier } from '@agentfleet/core';
import { budgetOverrun } from '../budget.js';
import type { ProviderChain } from '../providers/chain.js';
import { TailBuffer } from '../process-group.js';
import type { AgentBudget, AgentEvent, AgentResult, AgentRunRequest, Usage } from '../types.js';
import { addUsage, costForModel, emptyUsage } from '../usage.js';
import { streamTurn, type TurnResult } from './stream-turn.js';
import { runTool, TOOL_DEFINITIONS, type ToolContext } from './tools.js';

export class LlmSession {
  private readonly tail = new TailBuffer();
  private readonly share: ReturnType<AgentRunRequest['meter']['share']>;
  private readonly toolCtx: ToolContext;
  private usage: Usage = emptyUsage();
  private costUsd = 0;
  private provider: string | undefined;
  private model: string | undefined;

  constructor(
    private readonly req: AgentRunRequest,
    private readonly chain: ProviderChain,
    private readonly tier: Tier,
    private readonly budget: AgentBudget,
    private readonly messages: ChatCompletionMessageParam[],
  ) {
    this.share = req.meter.share();
    this.toolCtx = {
      workdir: req.workdir,
      env: req.env,
      signal: req.signal,
      sandbox: req.sandbox,
      scrub: req.scrub,
      onEvent: (e: AgentEvent) => {
        if (e.type === 'output') this.tail.push(e.text);
        req.onEvent(e);
      },
    };
  }

  result(exit: number, summary: string): AgentResult {
    return { exit, summary, usage: this.usage, costUsd: this.costUsd, provider: this.provider, model: this.model, outputTail: this.tail.toString() };
  }

  /** One model turn and the tools it called; the result when the model is done. */
  async turn(): Promise<AgentResult | undefined> {
    const t = await this.ask();
    if (t.toolCalls.length === 0) {
      // a plain answer without tools is the model saying it is done
      return this.result(0, t.content.trim() || 'finished without a summary');
    }
    this.messages.push({
      role: 'assistant',
      content: t.content || null,
      tool_calls: t.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })),
    });
    for (const call of t.toolCalls) {
      // a command shows as itself (command events), the rest as the call
      if (call.name !== 'run_command' && call.name !== 'finish') this.req.onEvent({ type: 'tool_call', name: call.name, args: shortArgs(call.arguments) });
      const outcome = await runTool(call.name, call.arguments, this.toolCtx);
      if (outcome.kind === 'finish') return this.result(0, outcome.summary);
      this.messages.push({ role: 'tool', tool_call_id: call.id, content: outcome.content });
    }
    return undefined;
  }

  /** The model's next answer, its spend counted at once (whatever happens next) and the budget checked. */
  private async ask(): Promise<TurnResult> {
    const { req } = this;
    const served = await this.chain.call(this.tier, req.signal, (ctx) => streamTurn(ctx, { messages: this.messages, tools: TOOL_DEFINITIONS }));
    const t = served.value;
    this.provider = served.provider.name;
    this.model = served.model;
    this.usage = addUsage(this.usage, t.usage);
    this.costUsd = roundUsd(this.costUsd + costForModel(t.usage, req.config.pricing, this.model));
    this.share.set(this.usage, this.costUsd, { provider: this.provider, model: this.model });
    req.onEvent({ type: 'usage', usage: t.usage });
    if (t.content) {
      this.tail.push(t.content + '\n');
      req.onEvent({ type: 'message', text: t.content });
    }
    const over = budgetOverrun(this.budget, req.meter, req.task.taskId);
    if (over) throw over;
    return t;
  }
}

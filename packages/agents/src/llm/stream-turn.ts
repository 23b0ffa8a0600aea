import type OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ProviderCallContext } from '../providers/chain.js';
import { ProviderStallError } from '../providers/classify.js';
import type { Usage } from '../types.js';

export interface AssembledToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface TurnResult {
  content: string;
  toolCalls: AssembledToolCall[];
  usage: Usage;
  finishReason: string | null;
}

export interface TurnRequest {
  messages: ChatCompletionMessageParam[];
  tools?: ChatCompletionTool[];
  /** Text as it streams (for 'message' events). */
  onText?: (delta: string) => void;
}

type CompletionChunk = OpenAI.Chat.Completions.ChatCompletionChunk;

/** What the chunks of one streamed completion add up to, tool-call deltas assembled by index. */
class TurnAssembly {
  content = '';
  finishReason: string | null = null;
  readonly usage: Usage = { input: 0, cachedInput: 0, output: 0 };
  private readonly calls = new Map<number, AssembledToolCall>();

  constructor(private readonly onText?: (delta: string) => void) {}

  add(chunk: CompletionChunk): void {
    if (chunk.usage) {
      this.usage.input = chunk.usage.prompt_tokens ?? 0;
      this.usage.cachedInput = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
      this.usage.output = chunk.usage.completion_tokens ?? 0;
    }
    for (const choice of chunk.choices ?? []) {
      const d = choice.delta;
      if (d?.content) {
        this.content += d.content;
        this.onText?.(d.content);
      }
      for (const tc of d?.tool_calls ?? []) {
        const cur = this.calls.get(tc.index) ?? { id: '', name: '', arguments: '' };
        if (tc.id) cur.id = tc.id;
        if (tc.function?.name) cur.name += tc.function.name;
        if (tc.function?.arguments) cur.arguments += tc.function.arguments;
        this.calls.set(tc.index, cur);
      }
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
  }

  result(): TurnResult {
    const toolCalls = [...this.calls.entries()].sort((a, b) => a[0] - b[0]).map(([i, c]) => ({ ...c, id: c.id || `call_${i}` }));
    return { content: this.content, toolCalls, usage: this.usage, finishReason: this.finishReason };
  }
}

/**
 * One streamed chat completion. A stream that goes silent for the provider's timeout is cut
 * (the SDK timeout only covers the headers).
 */
export async function streamTurn(ctx: ProviderCallContext, req: TurnRequest): Promise<TurnResult> {
  const idleMs = ctx.provider.timeoutMs;
  const watchdog = new AbortController();
  const signal = AbortSignal.any([ctx.signal, watchdog.signal]);
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => watchdog.abort(new ProviderStallError(idleMs)), idleMs);
  };
  arm();
  try {
    const stream = await ctx.client.chat.completions.create(
      {
        model: ctx.model,
        messages: req.messages,
        ...(req.tools?.length ? { tools: req.tools, tool_choice: 'auto' as const } : {}),
        ...(ctx.provider.reasoningEffort ? { reasoning_effort: ctx.provider.reasoningEffort } : {}),
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal },
    );
    const turn = new TurnAssembly(req.onText);
    for await (const chunk of stream) {
      arm();
      turn.add(chunk);
    }
    // the SDK ends the iteration quietly when its request is aborted: that is not a whole answer
    if (ctx.signal.aborted) throw ctx.signal.reason as Error;
    if (watchdog.signal.aborted) throw watchdog.signal.reason as Error;
    return turn.result();
  } catch (e) {
    if (watchdog.signal.aborted && !ctx.signal.aborted) throw watchdog.signal.reason as Error;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

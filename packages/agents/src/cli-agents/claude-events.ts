import type { AgentEvent, Usage } from '../types.js';

/** What a `claude -p --output-format stream-json --verbose` stream said, accumulated line by line. */
export interface ClaudeStreamState {
  model?: string;
  sessionId?: string;
  /** Usage per assistant message id (a message can be reported more than once). */
  perMessage: Map<string, Usage>;
  /** Set by the result event: the run's totals. */
  result?: { isError: boolean; subtype: string; text: string; usage: Usage; costUsd?: number; numTurns?: number };
  /** Epoch ms when a rejected rate limit lifts. */
  rateLimitedUntil?: number;
}

export function newClaudeState(): ClaudeStreamState {
  return { perMessage: new Map() };
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Anthropic usage -> ours: input counts fresh, cache-written and cache-read tokens; cachedInput the cache reads. */
export function claudeUsage(u: Record<string, unknown> | undefined): Usage {
  const read = num(u?.cache_read_input_tokens);
  return { input: num(u?.input_tokens) + num(u?.cache_creation_input_tokens) + read, cachedInput: read, output: num(u?.output_tokens) };
}

/** Usage so far: the result's totals once known, else the sum over assistant messages. */
export function claudeUsageSoFar(state: ClaudeStreamState): Usage {
  if (state.result) return state.result.usage;
  const total: Usage = { input: 0, cachedInput: 0, output: 0 };
  for (const u of state.perMessage.values()) {
    total.input += u.input;
    total.cachedInput += u.cachedInput;
    total.output += u.output;
  }
  return total;
}

type Block = { type?: string; text?: string; name?: string; input?: Record<string, unknown>; content?: unknown; is_error?: boolean };

function toolDetail(input: Record<string, unknown> | undefined): string | undefined {
  if (!input) return undefined;
  for (const k of ['command', 'file_path', 'path', 'pattern', 'url', 'description']) {
    const v = input[k];
    if (typeof v === 'string') return v.slice(0, 300);
  }
  return undefined;
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c: { text?: unknown }) => (typeof c.text === 'string' ? c.text : '')).join('');
  return '';
}

/** Maps one line of Claude Code's stream-json output to agent events, updating the state. */
export function parseClaudeLine(line: string, state: ClaudeStreamState): AgentEvent[] {
  const trimmed = line.trim();
  if (!trimmed) return [];
  let ev: Record<string, unknown>;
  try {
    ev = JSON.parse(trimmed) as Record<string, unknown>;
  } catch {
    return [{ type: 'output', stream: 'stdout', text: line + '\n' }];
  }
  switch (ev.type) {
    case 'system': {
      if (ev.subtype === 'init') {
        state.model = typeof ev.model === 'string' ? ev.model : state.model;
        state.sessionId = typeof ev.session_id === 'string' ? ev.session_id : state.sessionId;
        return [{ type: 'status', text: `claude session started (model ${state.model ?? '?'})` }];
      }
      return [{ type: 'status', text: `claude ${typeof ev.subtype === 'string' ? ev.subtype : 'system'}${typeof ev.error === 'string' ? `: ${ev.error}` : ''}` }];
    }
    case 'assistant': {
      const msg = (ev.message ?? {}) as { id?: string; model?: string; content?: Block[]; usage?: Record<string, unknown> };
      const out: AgentEvent[] = [];
      if (msg.model && !state.model) state.model = msg.model;
      for (const b of msg.content ?? []) {
        if (b.type === 'text' && b.text) out.push({ type: 'message', text: b.text });
        else if (b.type === 'tool_use') out.push({ type: 'tool', name: b.name ?? 'tool', detail: toolDetail(b.input) });
        else if (b.type === 'thinking') out.push({ type: 'status', text: 'thinking' });
      }
      if (msg.usage) {
        const usage = claudeUsage(msg.usage);
        const prev = state.perMessage.get(msg.id ?? `anon-${state.perMessage.size}`);
        state.perMessage.set(msg.id ?? `anon-${state.perMessage.size}`, usage);
        if (!prev || prev.input !== usage.input || prev.output !== usage.output) out.push({ type: 'usage', usage });
      }
      return out;
    }
    case 'user': {
      const msg = (ev.message ?? {}) as { content?: Block[] | string };
      const blocks = Array.isArray(msg.content) ? msg.content : [];
      return blocks.filter((b) => b.type === 'tool_result').map((b) => ({ type: 'output' as const, stream: 'stdout' as const, text: resultText(b.content).slice(0, 4000) + '\n' }));
    }
    case 'rate_limit_event': {
      const info = (ev.rate_limit_info ?? {}) as { status?: string; resetsAt?: number; rateLimitType?: string };
      if (info.status === 'rejected') {
        state.rateLimitedUntil = typeof info.resetsAt === 'number' ? info.resetsAt * 1000 : Date.now() + 60_000;
        return [{ type: 'status', text: `claude rate limit (${info.rateLimitType ?? '?'}) reached; resets ${new Date(state.rateLimitedUntil).toISOString()}` }];
      }
      return [];
    }
    case 'result': {
      const usage = claudeUsage(ev.usage as Record<string, unknown> | undefined);
      state.result = {
        isError: ev.is_error === true || (typeof ev.subtype === 'string' && ev.subtype !== 'success'),
        subtype: typeof ev.subtype === 'string' ? ev.subtype : 'unknown',
        text: typeof ev.result === 'string' ? ev.result : Array.isArray(ev.errors) ? (ev.errors as unknown[]).map(String).join('; ') : '',
        usage,
        costUsd: typeof ev.total_cost_usd === 'number' ? ev.total_cost_usd : undefined,
        numTurns: typeof ev.num_turns === 'number' ? ev.num_turns : undefined,
      };
      return [{ type: 'status', text: `claude ${state.result.subtype}${state.result.isError ? ' (error)' : ''} after ${state.result.numTurns ?? '?'} turns` }];
    }
    default:
      return [];
  }
}

import type { AgentEvent, Usage } from '../types.js';
import { addUsage, emptyUsage } from '../usage.js';

/** What a `codex exec --json` stream said, accumulated line by line. */
export interface CodexStreamState {
  threadId?: string;
  usage: Usage;
  lastMessage?: string;
  /** Message of a turn.failed (the run failed even if codex exits 0). */
  failed?: string;
  /** Messages of `error` events (some are transient: "Reconnecting... 1/5"). */
  errors: string[];
  /** Lines that were not JSON (kept for the output tail). */
  unparsed: number;
}

export function newCodexState(): CodexStreamState {
  return { usage: emptyUsage(), errors: [], unparsed: 0 };
}

type Item = { id?: string; type?: string; text?: string; command?: string; aggregated_output?: string; exit_code?: number | null; status?: string; changes?: { path?: string; kind?: string }[]; server?: string; tool?: string; query?: string; message?: string; items?: { text?: string; completed?: boolean }[] };

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function itemEvents(phase: 'started' | 'updated' | 'completed', item: Item): AgentEvent[] {
  switch (item.type) {
    case 'agent_message':
      return phase === 'completed' && item.text ? [{ type: 'message', text: item.text }] : [];
    case 'reasoning':
      return phase === 'completed' && item.text ? [{ type: 'status', text: `reasoning: ${item.text.slice(0, 300)}` }] : [];
    case 'command_execution':
      if (phase === 'started') return [{ type: 'tool', name: 'command', detail: item.command }];
      if (phase === 'completed') {
        const out: AgentEvent[] = [];
        if (item.aggregated_output) out.push({ type: 'output', stream: 'stdout', text: item.aggregated_output });
        out.push({ type: 'status', text: `command ${item.status ?? 'done'} (exit ${item.exit_code ?? '?'}): ${item.command ?? ''}` });
        return out;
      }
      return [];
    case 'file_change':
      return phase === 'completed' ? [{ type: 'tool', name: 'file_change', detail: (item.changes ?? []).map((c) => `${c.kind ?? 'update'} ${c.path ?? '?'}`).join(', ') }] : [];
    case 'mcp_tool_call':
      return phase === 'started' ? [{ type: 'tool', name: `${item.server ?? 'mcp'}.${item.tool ?? '?'}` }] : [];
    case 'web_search':
      return phase === 'started' ? [{ type: 'tool', name: 'web_search', detail: item.query }] : [];
    case 'todo_list':
      return [{ type: 'status', text: `plan: ${(item.items ?? []).map((t) => `${t.completed ? '[x]' : '[ ]'} ${t.text ?? ''}`).join('; ')}` }];
    case 'error':
      return [{ type: 'status', text: `error: ${item.message ?? ''}` }];
    default:
      return phase === 'completed' ? [{ type: 'status', text: `${item.type ?? 'item'} completed` }] : [];
  }
}

/** Maps one JSONL line of `codex exec --json` to agent events, updating the state. */
export function parseCodexLine(line: string, state: CodexStreamState): AgentEvent[] {
  const trimmed = line.trim();
  if (!trimmed) return [];
  let ev: { type?: string; thread_id?: string; item?: Item; usage?: Record<string, unknown>; error?: { message?: string }; message?: string };
  try {
    ev = JSON.parse(trimmed) as typeof ev;
  } catch {
    state.unparsed++;
    return [{ type: 'output', stream: 'stdout', text: line + '\n' }];
  }
  switch (ev.type) {
    case 'thread.started':
      state.threadId = ev.thread_id;
      return [{ type: 'status', text: `codex thread ${ev.thread_id ?? '?'} started` }];
    case 'turn.started':
      return [{ type: 'status', text: 'turn started' }];
    case 'turn.completed': {
      const u = ev.usage ?? {};
      const usage: Usage = { input: num(u.input_tokens), cachedInput: num(u.cached_input_tokens), output: num(u.output_tokens) };
      state.usage = addUsage(state.usage, usage);
      return [{ type: 'usage', usage }];
    }
    case 'turn.failed': {
      state.failed = ev.error?.message ?? 'turn failed';
      const out: AgentEvent[] = [{ type: 'status', text: `turn failed: ${state.failed}` }];
      if (ev.usage) {
        const usage: Usage = { input: num(ev.usage.input_tokens), cachedInput: num(ev.usage.cached_input_tokens), output: num(ev.usage.output_tokens) };
        state.usage = addUsage(state.usage, usage);
        out.push({ type: 'usage', usage });
      }
      return out;
    }
    case 'error': {
      const message = ev.message ?? ev.error?.message ?? 'error';
      state.errors.push(message);
      return [{ type: 'status', text: `codex error: ${message}` }];
    }
    case 'item.started':
    case 'item.updated':
    case 'item.completed': {
      const item = ev.item ?? {};
      if (ev.type === 'item.completed' && item.type === 'agent_message' && item.text) state.lastMessage = item.text;
      return itemEvents(ev.type.slice(5) as 'started' | 'updated' | 'completed', item);
    }
    default:
      return [{ type: 'status', text: `codex event ${ev.type ?? '?'}` }];
  }
}

const RATE_LIMIT = /\b429\b|rate.?limit|too many requests|usage limit/i;

/** When a codex failure message is a rate limit, the time it lifts (from "try again in 20s" or similar; default 60 s). */
export function codexRateLimitReset(message: string, now: number): number | undefined {
  if (!RATE_LIMIT.test(message)) return undefined;
  const m = /(?:try again|retry) in\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec(?:onds?)?|m|min(?:utes?)?|h|hours?)\b/i.exec(message);
  if (!m) return now + 60_000;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  const ms = unit.startsWith('ms') || unit.startsWith('milli') ? n : unit.startsWith('h') ? n * 3_600_000 : unit.startsWith('m') ? n * 60_000 : n * 1000;
  return now + ms;
}

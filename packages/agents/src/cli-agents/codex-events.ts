import { outputExcerpt, shortArgs } from '@agentfleet/core';
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
  /** When each running command item started (epoch ms), for its duration. */
  started: Map<string, number>;
}

export function newCodexState(): CodexStreamState {
  return { usage: emptyUsage(), errors: [], unparsed: 0, started: new Map() };
}

type Item = { id?: string; type?: string; text?: string; command?: string | string[]; aggregated_output?: string; exit_code?: number | null; status?: string; changes?: { path?: string; kind?: string }[]; server?: string; tool?: string; arguments?: unknown; query?: string; message?: string; items?: { text?: string; completed?: boolean }[] };

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function usageOf(u: Record<string, unknown> | undefined): Usage {
  return { input: num(u?.input_tokens), cachedInput: num(u?.cached_input_tokens), output: num(u?.output_tokens) };
}

/** Codex retries on its own and says so: those errors are not why a run failed. */
const TRANSIENT = /^(reconnecting|retrying)\b|\bretrying\b.*\d+\/\d+/i;

function commandLine(item: Item): string {
  return Array.isArray(item.command) ? item.command.join(' ') : (item.command ?? '');
}

function commandEvent(phase: 'started' | 'updated' | 'completed', item: Item, state: CodexStreamState): AgentEvent[] {
  const key = item.id ?? commandLine(item);
  const argv = Array.isArray(item.command) ? { argv: item.command } : {};
  if (phase === 'started') {
    state.started.set(key, Date.now());
    return [{ type: 'command', phase: 'started', command: commandLine(item), ...argv }];
  }
  if (phase !== 'completed') return [];
  const since = state.started.get(key);
  state.started.delete(key);
  const exitCode = item.exit_code ?? null;
  return [{
    type: 'command',
    phase: 'ended',
    command: commandLine(item),
    ...argv,
    exitCode,
    ok: item.status !== 'failed' && item.status !== 'declined' && (exitCode === null || exitCode === 0),
    ...(since !== undefined ? { durationMs: Date.now() - since } : {}),
    output: outputExcerpt(item.aggregated_output ?? ''),
  }];
}

function itemEvents(phase: 'started' | 'updated' | 'completed', item: Item, state: CodexStreamState): AgentEvent[] {
  switch (item.type) {
    case 'agent_message':
      return phase === 'completed' && item.text ? [{ type: 'message', text: item.text }] : [];
    case 'reasoning':
      return phase === 'completed' && item.text ? [{ type: 'reasoning', text: item.text }] : [];
    case 'command_execution':
      return commandEvent(phase, item, state);
    case 'file_change':
      return phase === 'completed' ? [{ type: 'file_change', paths: (item.changes ?? []).map((c) => c.path ?? '?') }] : [];
    case 'mcp_tool_call':
      return phase === 'started' ? [{ type: 'tool_call', name: `${item.server ?? 'mcp'}.${item.tool ?? '?'}`, args: shortArgs(item.arguments as Record<string, unknown> | undefined) }] : [];
    case 'web_search':
      return phase === 'started' ? [{ type: 'tool_call', name: 'web_search', args: shortArgs(item.query) }] : [];
    case 'todo_list':
      return phase === 'updated' ? [] : [{ type: 'reasoning', text: `plan: ${(item.items ?? []).map((t) => `${t.completed ? '[x]' : '[ ]'} ${t.text ?? ''}`).join('; ')}` }];
    case 'error':
      // an error item is one codex went on after (a refused command, a tool that failed)
      return [{ type: 'error', message: item.message ?? 'error', transient: true }];
    default:
      return [];
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
      return [{ type: 'step', step: 'agent', status: 'started', detail: `codex thread ${ev.thread_id ?? '?'}` }];
    case 'turn.completed': {
      const usage = usageOf(ev.usage);
      state.usage = addUsage(state.usage, usage);
      return [{ type: 'usage', usage }];
    }
    case 'turn.failed': {
      state.failed = ev.error?.message ?? 'turn failed';
      const out: AgentEvent[] = [{ type: 'error', message: state.failed }];
      if (ev.usage) {
        const usage = usageOf(ev.usage);
        state.usage = addUsage(state.usage, usage);
        out.push({ type: 'usage', usage });
      }
      return out;
    }
    case 'error': {
      const message = ev.message ?? ev.error?.message ?? 'error';
      state.errors.push(message);
      return [{ type: 'error', message, ...(TRANSIENT.test(message) ? { transient: true } : {}) }];
    }
    case 'item.started':
    case 'item.updated':
    case 'item.completed': {
      const item = ev.item ?? {};
      if (ev.type === 'item.completed' && item.type === 'agent_message' && item.text) state.lastMessage = item.text;
      return itemEvents(ev.type.slice(5) as 'started' | 'updated' | 'completed', item, state);
    }
    default:
      // turn.started and events of newer releases: nothing a reader needs
      return [];
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

import { outputExcerpt, shortArgs } from '@agentfleet/core';
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
  /** Tool uses waiting for their result: what they were, since when. */
  tools: Map<string, { name: string; command?: string; path?: string; at: number }>;
}

export function newClaudeState(): ClaudeStreamState {
  return { perMessage: new Map(), tools: new Map() };
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

type Block = { type?: string; id?: string; tool_use_id?: string; text?: string; thinking?: string; name?: string; input?: Record<string, unknown>; content?: unknown; is_error?: boolean };

/** Claude Code's tools that edit a file, and the input naming it. */
const EDIT_TOOLS: Record<string, string> = { Write: 'file_path', Edit: 'file_path', MultiEdit: 'file_path', NotebookEdit: 'notebook_path' };

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c: { text?: unknown }) => (typeof c.text === 'string' ? c.text : '')).join('');
  return '';
}

/** A tool use: a command for Bash, a tool call for the rest; remembered until its result. */
function toolUse(b: Block, state: ClaudeStreamState): AgentEvent {
  const name = b.name ?? 'tool';
  const command = name === 'Bash' && typeof b.input?.command === 'string' ? b.input.command : undefined;
  const pathKey = EDIT_TOOLS[name];
  const path = pathKey && typeof b.input?.[pathKey] === 'string' ? (b.input[pathKey] as string) : undefined;
  state.tools.set(b.id ?? `anon-${state.tools.size}`, { name, command, path, at: Date.now() });
  if (command !== undefined) return { type: 'command', phase: 'started', command };
  return { type: 'tool_call', name, args: shortArgs(b.input) };
}

/** A tool's result: the end of its command, the file it changed, or its error. */
function toolResult(b: Block, state: ClaudeStreamState): AgentEvent[] {
  const use = state.tools.get(b.tool_use_id ?? '');
  state.tools.delete(b.tool_use_id ?? '');
  const text = resultText(b.content);
  if (use?.command !== undefined) {
    return [{ type: 'command', phase: 'ended', command: use.command, exitCode: null, ok: b.is_error !== true, durationMs: Date.now() - use.at, output: outputExcerpt(text) }];
  }
  if (b.is_error) return [{ type: 'error', message: `${use?.name ?? 'tool'}: ${outputExcerpt(text, 500)}`, transient: true }];
  return use?.path ? [{ type: 'file_change', paths: [use.path] }] : [];
}

type ClaudeEvent = Record<string, unknown>;

function systemEvent(ev: ClaudeEvent, state: ClaudeStreamState): AgentEvent[] {
  if (ev.subtype === 'init') {
    state.model = typeof ev.model === 'string' ? ev.model : state.model;
    state.sessionId = typeof ev.session_id === 'string' ? ev.session_id : state.sessionId;
    return [{ type: 'step', step: 'agent', status: 'started', detail: `claude session (model ${state.model ?? '?'})` }];
  }
  return typeof ev.error === 'string' ? [{ type: 'error', message: `claude ${typeof ev.subtype === 'string' ? ev.subtype : 'system'}: ${ev.error}`, transient: true }] : [];
}

function assistantEvent(ev: ClaudeEvent, state: ClaudeStreamState): AgentEvent[] {
  const msg = (ev.message ?? {}) as { id?: string; model?: string; content?: Block[]; usage?: Record<string, unknown> };
  const out: AgentEvent[] = [];
  if (msg.model && !state.model) state.model = msg.model;
  for (const b of msg.content ?? []) {
    if (b.type === 'text' && b.text) out.push({ type: 'message', text: b.text });
    else if (b.type === 'tool_use') out.push(toolUse(b, state));
    else if (b.type === 'thinking' && b.thinking) out.push({ type: 'reasoning', text: b.thinking });
  }
  if (msg.usage) {
    // claude repeats a message's usage on each of its content lines: count it when it changes
    const usage = claudeUsage(msg.usage);
    const id = msg.id ?? `anon-${state.perMessage.size}`;
    const prev = state.perMessage.get(id);
    state.perMessage.set(id, usage);
    if (!prev || prev.input !== usage.input || prev.output !== usage.output) out.push({ type: 'usage', usage });
  }
  return out;
}

function userEvent(ev: ClaudeEvent, state: ClaudeStreamState): AgentEvent[] {
  const msg = (ev.message ?? {}) as { content?: Block[] | string };
  const blocks = Array.isArray(msg.content) ? msg.content : [];
  return blocks.filter((b) => b.type === 'tool_result').flatMap((b) => toolResult(b, state));
}

function rateLimitEvent(ev: ClaudeEvent, state: ClaudeStreamState): AgentEvent[] {
  const info = (ev.rate_limit_info ?? {}) as { status?: string; resetsAt?: number; rateLimitType?: string };
  if (info.status !== 'rejected') return [];
  state.rateLimitedUntil = typeof info.resetsAt === 'number' ? info.resetsAt * 1000 : Date.now() + 60_000;
  return [{ type: 'error', message: `claude rate limit (${info.rateLimitType ?? '?'}) reached; resets ${new Date(state.rateLimitedUntil).toISOString()}` }];
}

function resultEvent(ev: ClaudeEvent, state: ClaudeStreamState): AgentEvent[] {
  const r = (state.result = {
    isError: ev.is_error === true || (typeof ev.subtype === 'string' && ev.subtype !== 'success'),
    subtype: typeof ev.subtype === 'string' ? ev.subtype : 'unknown',
    text: typeof ev.result === 'string' ? ev.result : Array.isArray(ev.errors) ? (ev.errors as unknown[]).map(String).join('; ') : '',
    usage: claudeUsage(ev.usage as Record<string, unknown> | undefined),
    costUsd: typeof ev.total_cost_usd === 'number' ? ev.total_cost_usd : undefined,
    numTurns: typeof ev.num_turns === 'number' ? ev.num_turns : undefined,
  });
  return r.isError ? [{ type: 'error', message: `claude ${r.subtype}${r.text ? `: ${r.text}` : ''} after ${r.numTurns ?? '?'} turns` }] : [];
}

const EVENT_READERS: Record<string, (ev: ClaudeEvent, state: ClaudeStreamState) => AgentEvent[]> = {
  system: systemEvent,
  assistant: assistantEvent,
  user: userEvent,
  rate_limit_event: rateLimitEvent,
  result: resultEvent,
};

/** Maps one line of Claude Code's stream-json output to agent events, updating the state. */
export function parseClaudeLine(line: string, state: ClaudeStreamState): AgentEvent[] {
  const trimmed = line.trim();
  if (!trimmed) return [];
  let ev: ClaudeEvent;
  try {
    ev = JSON.parse(trimmed) as ClaudeEvent;
  } catch {
    return [{ type: 'output', stream: 'stdout', text: line + '\n' }];
  }
  const read = typeof ev.type === 'string' ? EVENT_READERS[ev.type] : undefined;
  return read ? read(ev, state) : [];
}

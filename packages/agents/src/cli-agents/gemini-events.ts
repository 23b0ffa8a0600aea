import { shortArgs } from '@agentfleet/core';
import { jsonLine } from '../json-text.js';
import type { AgentEvent, Usage } from '../types.js';

/** What a `gemini --output-format stream-json` stream said, accumulated line by line. */
export interface GeminiStreamState {
  model?: string;
  sessionId?: string;
  /** the assistant's text (its messages come as deltas) */
  text: string;
  /** set by the result event: the run's outcome and totals */
  result?: { ok: boolean; status: string; usage: Usage; toolCalls?: number; error?: string };
  errors: string[];
}

export function newGeminiState(): GeminiStreamState {
  return { text: '', errors: [] };
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') return (v as { message: string }).message;
  return v === undefined ? '' : JSON.stringify(v);
}

/** Gemini's stats -> ours: input_tokens counts the cached part (`cached`), as our input does. */
export function geminiUsage(stats: Record<string, unknown> | undefined): Usage {
  return { input: num(stats?.input_tokens), cachedInput: num(stats?.cached), output: num(stats?.output_tokens) };
}

/** Maps one line of Gemini CLI's stream-json output (init, message, tool_use, tool_result, error, result) to agent events. */
export function parseGeminiLine(line: string, state: GeminiStreamState): AgentEvent[] {
  const ev = jsonLine(line);
  if (ev === undefined) return [];
  if (ev === null) return [{ type: 'output', stream: 'stdout', text: line + '\n' }];
  switch (ev.type) {
    case 'init':
      state.model = typeof ev.model === 'string' ? ev.model : state.model;
      state.sessionId = typeof ev.session_id === 'string' ? ev.session_id : state.sessionId;
      return [{ type: 'step', step: 'agent', status: 'started', detail: `gemini session started (model ${state.model ?? '?'})` }];
    case 'message':
      if (ev.role !== 'assistant' || typeof ev.content !== 'string') return [];
      state.text += ev.content;
      return [{ type: 'message', text: ev.content }];
    case 'tool_use': {
      const params = (ev.parameters ?? {}) as Record<string, unknown>;
      const detail = ['command', 'file_path', 'absolute_path', 'path', 'pattern'].map((k) => params[k]).find((v): v is string => typeof v === 'string');
      return [{ type: 'tool_call', name: typeof ev.tool_name === 'string' ? ev.tool_name : 'tool', args: shortArgs(detail) }];
    }
    case 'tool_result':
      return [{ type: 'output', stream: 'stdout', text: `${text(ev.output ?? ev.error).slice(0, 4000)}\n` }];
    case 'error': {
      const message = text(ev.message ?? ev.error);
      state.errors.push(message);
      return [{ type: 'error', message: `gemini error: ${message}` }];
    }
    case 'result': {
      const stats = (ev.stats ?? {}) as Record<string, unknown>;
      const status = typeof ev.status === 'string' ? ev.status : 'unknown';
      state.result = { ok: status === 'success', status, usage: geminiUsage(stats), toolCalls: num(stats.tool_calls), error: ev.error === undefined ? undefined : text(ev.error) };
      return [{ type: 'usage', usage: state.result.usage }, { type: 'step', step: 'agent', status: state.result.ok ? 'ok' : 'failed', detail: `gemini ${status} after ${state.result.toolCalls ?? 0} tool calls` }];
    }
    default:
      return [];
  }
}

/** Gemini CLI retries a 429 itself and says so on stderr: "Suggested retry after 3s.. Retrying after 30169ms...". */
export function geminiRetryAfterMs(stderr: string): number | undefined {
  const m = /Suggested retry after (\d+(?:\.\d+)?)(ms|s)\b/i.exec(stderr);
  if (!m) return undefined;
  return m[2]!.toLowerCase() === 'ms' ? Number(m[1]) : Number(m[1]) * 1000;
}

import type { Usage } from './usage.js';

/**
 * The normalized events of an attempt's transcript, the same for every agent kind (codex
 * --json, claude stream-json, the llm loop, a shell command) plus the fleet's own steps.
 * Agents emit them, the worker scrubs and stores them, `fleet logs` and the console read them.
 */

/** A step of the fleet's own around the agent (workspace ready, setup, check, publish, provider waits, review rounds...). */
export interface StepEvent {
  type: 'step';
  step: string;
  status: 'started' | 'ok' | 'failed' | 'skipped';
  detail?: string;
  durationMs?: number;
}

/** A command the agent ran: one event when it starts, one when it ends. */
export interface CommandEvent {
  type: 'command';
  phase: 'started' | 'ended';
  /** the command line as shown (`npm test`, `bash -lc ls`) */
  command: string;
  /** the argv when the agent gives one */
  argv?: string[];
  /** ended: its exit code; null when the agent does not tell (claude) or it was killed */
  exitCode?: number | null;
  /** ended: false when it failed (non-zero exit, a tool error) */
  ok?: boolean;
  durationMs?: number;
  /** ended: the end of what it printed (a shell task's output streams as `output` events too) */
  output?: string;
}

export type TranscriptEvent =
  /** assistant text */
  | { type: 'message'; text: string }
  /** a reasoning summary, when the agent gives one (also codex's plan lists) */
  | { type: 'reasoning'; text: string }
  /** a tool the agent called, arguments shortened */
  | { type: 'tool_call'; name: string; args?: string }
  | CommandEvent
  /** files the agent changed */
  | { type: 'file_change'; paths: string[] }
  /** what one model turn used */
  | { type: 'usage'; usage: Usage }
  /** an error the agent itself reported; transient ones were retried by the agent (reconnects) */
  | { type: 'error'; message: string; transient?: boolean }
  /** text a process printed as it ran (a shell task, a command's live output, an agent's stderr) */
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string }
  | StepEvent;

export type TranscriptEventType = TranscriptEvent['type'];

/** One stored transcript event: the event, when it happened (epoch ms) and its place in the attempt. */
export type TranscriptEntry = TranscriptEvent & { at: number; seq: number };

/** What a tool's arguments look like in a transcript: one line, at most `max` characters. */
export function shortArgs(args: string | Record<string, unknown> | undefined, max = 300): string | undefined {
  if (args === undefined) return undefined;
  const text = (typeof args === 'string' ? args : JSON.stringify(args)).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The last `max` characters of a command's output, cut at a line start when it can be. */
export function outputExcerpt(text: string, max = 2000): string {
  if (text.length <= max) return text;
  const cut = text.slice(-max);
  const nl = cut.indexOf('\n');
  return nl >= 0 && nl < max / 2 ? cut.slice(nl + 1) : cut;
}

/**
 * The agent's own reason for a failure, from its transcript events: the last error it reported
 * that it did not retry past, else the last transient one; undefined when it reported none.
 */
export function agentFailureReason(events: readonly TranscriptEvent[]): string | undefined {
  let transient: string | undefined;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type !== 'error') continue;
    if (!e.transient) return e.message;
    transient ??= e.message;
  }
  return transient;
}

import type { TranscriptEntry } from '@agentfleet/core';
import { esc } from './html.js';

function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

function secs(ms: number | undefined): string {
  return ms === undefined ? '' : ` (${(ms / 1000).toFixed(1)}s)`;
}

/** What one entry says, as [css class, text]; `streamed`: the command's output was shown as it came. */
function describe(e: TranscriptEntry, streamed: boolean): [string, string] {
  switch (e.type) {
    case 'step':
      return [`step st-${e.status}`, `· ${e.step} ${e.status}${secs(e.durationMs)}${e.detail ? `: ${e.detail}` : ''}`];
    case 'message':
      return ['message', e.text];
    case 'reasoning':
      return ['reasoning', e.text];
    case 'tool_call':
      return ['tool', `→ ${e.name}${e.args ? ` ${e.args}` : ''}`];
    case 'command':
      if (e.phase === 'started') return ['command', `$ ${e.command}`];
      return [`command ${e.ok === false ? 'bad' : 'good'}`, `${e.ok === false ? '✗' : '✓'} ${e.exitCode === null || e.exitCode === undefined ? (e.ok === false ? 'failed' : 'done') : `exit ${e.exitCode}`}${secs(e.durationMs)}: ${e.command}${e.output && !streamed ? `\n${e.output.replace(/\n$/, '')}` : ''}`];
    case 'file_change':
      return ['files', `± changed ${e.paths.join(', ')}`];
    case 'usage':
      return ['usage', `# tokens in ${e.usage.input} (cached ${e.usage.cachedInput}) out ${e.usage.output}`];
    case 'error':
      return [`error${e.transient ? ' transient' : ''}`, `! ${e.transient ? '(retried) ' : ''}${e.message}`];
    case 'output':
      return [`output ${e.stream}`, e.text.replace(/\n$/, '')];
  }
}

/**
 * Transcript entries as lines of the task page, the same for the first view and for live
 * updates: one renderer per attempt shown, since a command's end repeats its output only when
 * that output did not stream before it.
 */
export class TranscriptHtml {
  private streamed = false;

  line(e: TranscriptEntry): string {
    if (e.type === 'command' && e.phase === 'started') this.streamed = false;
    if (e.type === 'output') this.streamed = true;
    const [cls, text] = describe(e, this.streamed);
    return `<div class="entry ${cls}" data-seq="${e.seq}"><time>${clock(e.at)}</time><pre>${esc(text)}</pre></div>`;
  }
}

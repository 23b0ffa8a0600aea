import type { TranscriptEntry } from '@agentfleet/core';

/** "12:03:04" of an entry's time (UTC, as the rest of the CLI's times). */
function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

function secs(ms: number | undefined): string {
  return ms === undefined ? '' : ` (${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)}s)`;
}

/** A text of several lines: the first on the event's line, the rest indented under it. */
function block(head: string, text: string, maxLines = 12): string[] {
  const lines = text.replace(/\s+$/, '').split('\n');
  const shown = lines.length > maxLines ? [...lines.slice(0, maxLines - 1), `… (${lines.length - maxLines + 1} more lines)`] : lines;
  return [`${head}${shown[0] ?? ''}`, ...shown.slice(1).map((l) => `           ${l}`)];
}

/**
 * One transcript entry as `fleet logs RUN TASK` prints it: one line per event (a message or an
 * error keeps its own lines under it), commands with their exit codes. Output lines come as
 * they are, each marked `|`; runs of them are folded by foldOutput when the whole
 * transcript is printed at once.
 */
export function formatEntry(e: TranscriptEntry): string[] {
  const t = clock(e.at);
  switch (e.type) {
    case 'step':
      return [`${t}  · ${e.step} ${e.status}${secs(e.durationMs)}${e.detail ? `: ${e.detail}` : ''}`];
    case 'message':
      return block(`${t}  » `, e.text);
    case 'reasoning':
      return block(`${t}  ~ `, e.text, 4);
    case 'tool_call':
      return [`${t}  → ${e.name}${e.args ? ` ${e.args}` : ''}`];
    case 'command':
      if (e.phase === 'started') return [`${t}  $ ${e.command}`];
      return [`${t}  ${e.ok === false ? '✗' : '✓'} ${e.exitCode === null || e.exitCode === undefined ? (e.ok === false ? 'failed' : 'done') : `exit ${e.exitCode}`}${secs(e.durationMs)}: ${e.command.split('\n')[0]}`];
    case 'file_change':
      return [`${t}  ± changed ${e.paths.join(', ')}`];
    case 'usage':
      return [`${t}  # tokens in ${e.usage.input} (cached ${e.usage.cachedInput}) out ${e.usage.output}`];
    case 'error':
      return block(`${t}  ! ${e.transient ? '(retried) ' : ''}`, e.message);
    case 'output':
      return e.text.replace(/\n$/, '').split('\n').map((l) => `           | ${l}`);
  }
}

/**
 * A run of output lines longer than `max`: the first and last lines, and how many were left
 * out between them (the whole output is in the JSONL on the host, or `fleet logs --full`).
 */
export function foldOutput(lines: readonly string[], max = 40): string[] {
  if (lines.length <= max) return [...lines];
  const head = Math.floor(max / 4);
  const tail = max - head - 1;
  return [...lines.slice(0, head), `           | … ${lines.length - head - tail} lines folded (--full shows them) …`, ...lines.slice(-tail)];
}

/** A whole transcript, printed at once: consecutive output folded; a command's excerpt shown when its output did not stream. */
export function formatTranscript(entries: readonly TranscriptEntry[], opts: { full?: boolean } = {}): string[] {
  const out: string[] = [];
  let run: string[] = [];
  let streamed = false;
  const flush = () => {
    out.push(...(opts.full ? run : foldOutput(run)));
    run = [];
  };
  for (const e of entries) {
    if (e.type === 'output') {
      run.push(...formatEntry(e));
      streamed = true;
      continue;
    }
    flush();
    out.push(...formatEntry(e));
    if (e.type === 'command' && e.phase === 'started') streamed = false;
    if (e.type === 'command' && e.phase === 'ended' && !streamed && e.output) {
      const lines = formatEntry({ type: 'output', stream: 'stdout', text: e.output, at: e.at, seq: e.seq });
      out.push(...(opts.full ? lines : foldOutput(lines, 12)));
    }
  }
  flush();
  return out;
}

/** The attempt's last entry: it ended (the writer's closing step). */
export function isAttemptEnd(e: TranscriptEntry): boolean {
  return e.type === 'step' && e.step === 'attempt' && e.status !== 'started';
}

import type { TranscriptEntry } from '@agentfleet/core';

/**
 * The caps of an attempt's Redis copy, in entries and bytes. Output (the chatty part) may use
 * 90 % of them, so the agent's messages and errors, and the end of the attempt, still fit after
 * a command printed megabytes; past the caps an entry is left to the JSONL copy alone.
 */
export class RedisBudget {
  private entries = 0;
  private bytes = 0;
  /** set once something was dropped (the writer says so once, in the transcript) */
  capped = false;

  constructor(private readonly caps: { maxEntries: number; maxBytes: number }) {}

  admit(entry: TranscriptEntry, size: number): boolean {
    const share = entry.type === 'output' ? 0.9 : 1;
    if (this.entries + 1 > this.caps.maxEntries * share || this.bytes + size > this.caps.maxBytes * share) {
      this.capped = true;
      return false;
    }
    this.count(size);
    return true;
  }

  /** Entries that go in whatever the caps (the one note that the copy is capped, the attempt's end). */
  count(size: number): void {
    this.entries++;
    this.bytes += size;
  }
}

/** The entry with its long texts cut to `max` characters (the Redis copy; the JSONL keeps them whole). */
export function cutEntry(entry: TranscriptEntry, max: number): TranscriptEntry {
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max)}\n… (${s.length - max} more characters on the host)` : s);
  switch (entry.type) {
    case 'output':
    case 'message':
    case 'reasoning':
      return entry.text.length > max ? { ...entry, text: cut(entry.text) } : entry;
    case 'error':
      return entry.message.length > max ? { ...entry, message: cut(entry.message) } : entry;
    case 'command':
      return entry.output && entry.output.length > max ? { ...entry, output: cut(entry.output) } : entry;
    default:
      return entry;
  }
}

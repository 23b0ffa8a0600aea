import type { Redis } from 'ioredis';
import type { TranscriptEntry } from '@agentfleet/core';
import type { Keys } from './keys.js';
import { appendTranscriptScript, KeyedScripts, type TranscriptRef } from './scripts/index.js';

export { TRANSCRIPT_HARD_MAX_ENTRIES, type TranscriptBatch, type TranscriptRef } from './scripts/index.js';

/** One entry as read back: the id of the stream entry holding it (for following on) and the entry. */
export interface StoredEntry {
  id: string;
  entry: TranscriptEntry;
}


/** A stream entry holds one batch of the writer: field `e` once per transcript entry, in order. */
function parseEntries(rows: [string, string[]][] | null | undefined): StoredEntry[] {
  const out: StoredEntry[] = [];
  for (const [id, flat] of rows ?? []) {
    for (let i = 0; i + 1 < flat.length; i += 2) {
      if (flat[i] !== 'e') continue;
      try {
        out.push({ id, entry: JSON.parse(flat[i + 1]!) as TranscriptEntry });
      } catch {
        // an entry that is not ours: skipped
      }
    }
  }
  return out;
}

/**
 * Attempts' transcripts: one Redis stream per attempt, indexed per run. Each stream entry is
 * one append (a batch of the writer, one command however many entries it holds), its field
 * `e` repeated once per transcript entry as JSON; readers get them in order, each with the id
 * of its stream entry, so following on after an id never splits a batch. The worker's writer keeps each within its caps; a stream expires some time
 * after its attempt ended, and goes with its run when retention archives it.
 */
export class Transcripts {
  private blocking?: Redis;
  private readonly scripts: KeyedScripts;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {
    this.scripts = new KeyedScripts(redis);
  }

  key(ref: TranscriptRef): string {
    return this.keys.transcript(ref.runId, ref.taskId, ref.attempt);
  }

  /**
   * Appends entries in order, as one stream entry (one command); `encoded`: entries already
   * as JSON text. `expireMs`: the attempt ended with these, its stream (and the run's index)
   * expire that long after unless retention takes them first.
   */
  async append(ref: TranscriptRef, entries: readonly TranscriptEntry[] | { encoded: readonly string[] }, opts: { expireMs?: number } = {}): Promise<void> {
    const texts = 'encoded' in entries ? entries.encoded : entries.map((e) => JSON.stringify(e));
    if (!texts.length && opts.expireMs === undefined) return;
    await this.scripts.call(appendTranscriptScript, this.keys, { ref, texts, ...opts });
  }

  /** Entries after stream id `after` ('0' = from the first), oldest first; `count` stream entries at most. */
  async read(ref: TranscriptRef, after = '0', count = 10_000): Promise<StoredEntry[]> {
    return parseEntries(await this.redis.xrange(this.key(ref), `(${after}`, '+', 'COUNT', count));
  }

  /** Every entry of the attempt. */
  async all(ref: TranscriptRef): Promise<TranscriptEntry[]> {
    const out: TranscriptEntry[] = [];
    for (let after = '0'; ; ) {
      const batch = await this.read(ref, after, 5000);
      out.push(...batch.map((b) => b.entry));
      if (batch.length < 5000) return out;
      after = batch.at(-1)!.id;
    }
  }

  /**
   * Waits up to `blockMs` for entries after `after` on any of the given transcripts (one
   * blocking XREAD on a connection of its own: a blocked connection can do nothing else).
   */
  async follow(refs: readonly { ref: TranscriptRef; after: string }[], blockMs: number): Promise<Map<string, StoredEntry[]>> {
    const out = new Map<string, StoredEntry[]>();
    if (!refs.length) return out;
    this.blocking ??= this.redis.duplicate();
    const keys = refs.map((r) => this.key(r.ref));
    const res = (await this.blocking.xread('COUNT', 2000, 'BLOCK', blockMs, 'STREAMS', ...keys, ...refs.map((r) => r.after))) as [string, [string, string[]][]][] | null;
    for (const [key, rows] of res ?? []) out.set(key, parseEntries(rows));
    return out;
  }

  /** The attempts of a task that have a transcript, in order. */
  async attempts(runId: string, taskId: string): Promise<number[]> {
    const members = await this.redis.smembers(this.keys.runTranscripts(runId));
    return members.filter((m) => m.startsWith(`${taskId}:`)).map((m) => Number(m.slice(taskId.length + 1))).filter(Number.isFinite).sort((a, b) => a - b);
  }

  /** Every transcript of a run, by `<task>:<attempt>`. */
  async ofRun(runId: string): Promise<Record<string, TranscriptEntry[]>> {
    const out: Record<string, TranscriptEntry[]> = {};
    for (const m of (await this.redis.smembers(this.keys.runTranscripts(runId))).sort()) {
      const cut = m.lastIndexOf(':');
      out[m] = await this.all({ runId, taskId: m.slice(0, cut), attempt: Number(m.slice(cut + 1)) });
    }
    return out;
  }

  close(): void {
    this.blocking?.disconnect();
    this.blocking = undefined;
  }
}

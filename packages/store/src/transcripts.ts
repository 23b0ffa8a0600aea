import type { Redis } from 'ioredis';
import type { TranscriptEntry } from '@agentfleet/core';
import type { Keys } from './keys.js';

/** One entry as read back: its stream id (for following on) and the entry. */
export interface StoredEntry {
  id: string;
  entry: TranscriptEntry;
}

/** Which attempt of which task: a transcript's address. */
export interface TranscriptRef {
  runId: string;
  taskId: string;
  attempt: number;
}

/** A safety belt behind the writer's own caps: Redis trims (roughly) past this many entries. */
export const TRANSCRIPT_HARD_MAX_ENTRIES = 20_000;

function parseEntries(rows: [string, string[]][] | null | undefined): StoredEntry[] {
  const out: StoredEntry[] = [];
  for (const [id, flat] of rows ?? []) {
    const i = flat.indexOf('e');
    if (i < 0 || i + 1 >= flat.length) continue;
    try {
      out.push({ id, entry: JSON.parse(flat[i + 1]!) as TranscriptEntry });
    } catch {
      // an entry that is not ours: skipped
    }
  }
  return out;
}

/**
 * Attempts' transcripts: one Redis stream per attempt (field `e` holds the entry as JSON),
 * indexed per run. The worker's writer keeps each within its caps; a stream expires some time
 * after its attempt ended, and goes with its run when retention archives it.
 */
export class Transcripts {
  private blocking?: Redis;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  key(ref: TranscriptRef): string {
    return this.keys.transcript(ref.runId, ref.taskId, ref.attempt);
  }

  /** Appends entries in order (one round trip); `encoded`: entries already as JSON text. */
  async append(ref: TranscriptRef, entries: readonly TranscriptEntry[] | { encoded: readonly string[] }): Promise<void> {
    const texts = 'encoded' in entries ? entries.encoded : entries.map((e) => JSON.stringify(e));
    if (!texts.length) return;
    const key = this.key(ref);
    const pipe = this.redis.pipeline();
    for (const text of texts) pipe.xadd(key, 'MAXLEN', '~', TRANSCRIPT_HARD_MAX_ENTRIES, '*', 'e', text);
    pipe.sadd(this.keys.runTranscripts(ref.runId), `${ref.taskId}:${ref.attempt}`);
    await pipe.exec();
  }

  /** The attempt ended: its stream (and the run's index) expire after `ttlMs` unless retention takes them first. */
  async ended(ref: TranscriptRef, ttlMs: number): Promise<void> {
    await this.redis.multi().pexpire(this.key(ref), ttlMs).pexpire(this.keys.runTranscripts(ref.runId), ttlMs).exec();
  }

  /** Entries after stream id `after` ('0' = from the first), oldest first. */
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

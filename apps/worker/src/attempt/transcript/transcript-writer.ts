import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { StepEvent, TranscriptEntry, TranscriptEvent } from '@agentfleet/core';
import type { TranscriptRef, Transcripts } from '@agentfleet/store';
import type { Logger } from '@agentfleet/telemetry';
import { OutputLines } from './output-lines.js';
import { cutEntry, RedisBudget } from './redis-budget.js';
import { scrubEvent } from './scrub-event.js';
import { transcriptFile } from './transcript-files.js';
import type { TranscriptSettings } from './transcript-settings.js';

export interface TranscriptWriterOptions {
  transcripts: Transcripts;
  ref: TranscriptRef;
  settings: TranscriptSettings;
  /** values that never leave the worker */
  secrets: readonly string[];
  /** where the JSONL copy is, for the note when the Redis copy is capped */
  host: string;
  log: () => Logger;
}

/** How an attempt's end reads as the transcript's last step. */
const END_STATUS: Record<string, StepEvent['status']> = { succeeded: 'ok', failed: 'failed', retrying: 'failed' };
const OUTPUT_BATCH = 16 * 1024;

/**
 * Writes one attempt's transcript: every event scrubbed, output gathered into whole lines,
 * batched every `flushMs` into the host's JSONL file and the attempt's capped Redis stream.
 * Failing to write a transcript never fails the attempt: it is said once in the log.
 */
export class TranscriptWriter {
  private seq = 0;
  private readonly lines = new OutputLines();
  private readonly budget: RedisBudget;
  private batch: TranscriptEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private file: WriteStream | null | undefined;
  private readonly path: string;
  private warned = false;
  private closed = false;
  private cappedSaid = false;
  private staleTimer: NodeJS.Timeout | undefined;
  /** a flush is due at once (output piled up past a batch) */
  private soon = false;

  constructor(private readonly opts: TranscriptWriterOptions) {
    this.budget = new RedisBudget(opts.settings);
    this.path = transcriptFile(opts.settings.dir, opts.ref);
  }

  /** The sink of the attempt's events. */
  readonly add = (e: TranscriptEvent): void => {
    if (this.closed) return;
    if (e.type === 'output') {
      this.lines.push(e.stream, e.text);
      this.schedule(this.lines.pending >= OUTPUT_BATCH ? 0 : this.opts.settings.flushMs);
      return;
    }
    this.takeOutput(true); // what was printed before this event comes before it
    this.enqueue(e);
    this.schedule(this.opts.settings.flushMs);
  };

  /** The attempt ended (`status` as its history entry says): the last entry, then the stream's expiry. */
  async close(status: string): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.timer);
    clearTimeout(this.staleTimer);
    this.takeOutput(true);
    this.enqueue({ type: 'step', step: 'attempt', status: END_STATUS[status] ?? 'skipped', detail: status });
    this.closed = true;
    await this.flush();
    await this.opts.transcripts.ended(this.opts.ref, this.opts.settings.ttlMs).catch((e: Error) => this.warn(e));
    await new Promise<void>((resolve) => (this.file ? this.file.end(resolve) : resolve()));
  }

  /** Gathered output as entries of about OUTPUT_BATCH characters each, cut at line ends. */
  private takeOutput(all: boolean): void {
    for (const o of this.lines.take(all)) {
      for (let at = 0; at < o.text.length; ) {
        let end = Math.min(o.text.length, at + OUTPUT_BATCH);
        const nl = end < o.text.length ? o.text.lastIndexOf('\n', end - 1) : -1;
        if (nl >= at) end = nl + 1;
        this.enqueue({ type: 'output', stream: o.stream, text: o.text.slice(at, end) });
        at = end;
      }
    }
  }

  private enqueue(e: TranscriptEvent): void {
    this.batch.push({ ...scrubEvent(e, this.opts.secrets), at: Date.now(), seq: ++this.seq });
  }

  private schedule(ms: number): void {
    if (this.timer && (ms > 0 || this.soon)) return;
    clearTimeout(this.timer);
    this.soon = ms === 0;
    this.timer = setTimeout(() => this.tick(), ms);
  }

  private tick(): void {
    this.timer = undefined;
    this.soon = false;
    this.takeOutput(false);
    void this.flush();
    // an unfinished line (a prompt, progress dots) is shown a second later all the same
    if (this.lines.hasPartial) {
      clearTimeout(this.staleTimer);
      this.staleTimer = setTimeout(() => {
        if (this.closed) return;
        this.takeOutput(true);
        void this.flush();
      }, 1000);
    }
  }

  private flush(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    if (!batch.length) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(batch)).catch((e: Error) => this.warn(e));
    return this.flushing;
  }

  /** Each entry is serialized once: the JSONL line, and (unless it had to be cut) the Redis copy. */
  private async write(batch: TranscriptEntry[]): Promise<void> {
    const lines = batch.map((e) => JSON.stringify(e));
    this.appendFile(lines);
    const kept: string[] = [];
    batch.forEach((entry, i) => {
      const cut = cutEntry(entry, this.opts.settings.maxEntryBytes);
      const text = cut === entry ? lines[i]! : JSON.stringify(cut);
      const last = entry.type === 'step' && entry.step === 'attempt' && this.closed;
      if (last) this.budget.count(text.length);
      else if (!this.budget.admit(cut, text.length)) {
        if (!this.cappedSaid) kept.push(JSON.stringify(this.cappedNote(entry)));
        return;
      }
      kept.push(text);
    });
    await this.opts.transcripts.append(this.opts.ref, { encoded: kept });
  }

  private cappedNote(after: TranscriptEntry): TranscriptEntry {
    this.cappedSaid = true;
    const { maxEntries, maxBytes } = this.opts.settings;
    const detail = `the Redis copy of this transcript is capped at ${maxEntries} entries / ${Math.round(maxBytes / 1024)} KiB: the rest is on host ${this.opts.host} in ${this.path}`;
    this.budget.count(detail.length);
    return { type: 'step', step: 'transcript', status: 'skipped', detail, at: after.at, seq: after.seq };
  }

  private appendFile(lines: string[]): void {
    if (this.file === undefined) {
      try {
        mkdirSync(dirname(this.path), { recursive: true });
        this.file = createWriteStream(this.path, { flags: 'a' });
        this.file.on('error', (e) => {
          this.file = null;
          this.warn(e);
        });
      } catch (e) {
        this.file = null;
        this.warn(e as Error);
      }
    }
    this.file?.write(lines.join('\n') + '\n');
  }

  private warn(e: Error): void {
    if (this.warned) return;
    this.warned = true;
    this.opts.log().warn({ err: e.message, transcript: this.path }, 'transcript not fully written');
  }
}

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StepEvent, TranscriptEntry, TranscriptEvent } from '@agentfleet/core';
import type { TranscriptBatch, TranscriptRef, Transcripts } from '@agentfleet/store';
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
  /** the JSONL copy's descriptor, opened at the first write (null: it could not be) */
  private fd: number | null | undefined;
  private readonly path: string;
  private warned = false;
  private closed = false;
  private cappedSaid = false;
  private staleTimer: NodeJS.Timeout | undefined;
  /** a flush is due at once (output piled up past a batch) */
  private soon = false;
  /** the last entries, handed to the script that ends the attempt and not confirmed yet */
  private tail: { rest: TranscriptEntry[]; lines: string[] } | undefined;

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
    if (this.tail) this.handedOver(false);
    if (this.closed) return;
    this.stopTimers();
    this.takeOutput(true);
    this.batch.push(this.endEntry(status));
    this.closed = true;
    // the last entries and the stream's expiry go in one round trip
    await this.flush(true);
    this.closeFile();
  }

  /**
   * The attempt ends through a script that writes the transcript's last entries with the
   * task's end (one round trip, not two): everything before them written first, then the
   * rest and the end entry, for that script. handedOver() says whether it wrote them.
   */
  async handOver(status: string): Promise<TranscriptBatch | undefined> {
    if (this.closed || this.tail) return undefined;
    this.stopTimers();
    await this.flushing;
    this.takeOutput(true);
    const rest = this.batch;
    this.batch = [];
    const { lines, kept } = this.encode([...rest, this.endEntry(status)], true);
    this.tail = { rest, lines };
    return { ref: this.opts.ref, texts: kept, expireMs: this.opts.settings.ttlMs };
  }

  /** `written`: the script wrote the handed entries (the transcript is complete); else they are written as usual and close() ends it. */
  handedOver(written: boolean): void {
    const tail = this.tail;
    if (!tail) return;
    this.tail = undefined;
    if (!written) {
      this.batch = [...tail.rest, ...this.batch];
      return;
    }
    this.appendFile(tail.lines);
    this.closed = true;
    this.closeFile();
  }

  private endEntry(status: string): TranscriptEntry {
    return this.entry({ type: 'step', step: 'attempt', status: END_STATUS[status] ?? 'skipped', detail: status });
  }

  private stopTimers(): void {
    clearTimeout(this.timer);
    clearTimeout(this.staleTimer);
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
    this.batch.push(this.entry(e));
  }

  private entry(e: TranscriptEvent): TranscriptEntry {
    return { ...scrubEvent(e, this.opts.secrets), at: Date.now(), seq: ++this.seq };
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

  /** `last`: the batch ends the attempt, and also sets the stream's expiry. */
  private flush(last = false): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    if (!batch.length) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(batch, last)).catch((e: Error) => this.warn(e));
    return this.flushing;
  }

  private async write(batch: TranscriptEntry[], last: boolean): Promise<void> {
    const { lines, kept } = this.encode(batch, last);
    this.appendFile(lines);
    await this.opts.transcripts.append(this.opts.ref, { encoded: kept }, last ? { expireMs: this.opts.settings.ttlMs } : {});
  }

  /**
   * Each entry serialized once: its JSONL line, and (unless it had to be cut) its Redis copy,
   * within the Redis caps; `last`: the batch ends with the attempt's end, kept whatever the caps.
   */
  private encode(batch: TranscriptEntry[], last: boolean): { lines: string[]; kept: string[] } {
    const lines = batch.map((e) => JSON.stringify(e));
    const kept: string[] = [];
    batch.forEach((entry, i) => {
      const cut = cutEntry(entry, this.opts.settings.maxEntryBytes);
      const text = cut === entry ? lines[i]! : JSON.stringify(cut);
      if (last && i === batch.length - 1) this.budget.count(text.length);
      else if (!this.budget.admit(cut, text.length)) {
        if (!this.cappedSaid) kept.push(JSON.stringify(this.cappedNote(entry)));
        return;
      }
      kept.push(text);
    });
    return { lines, kept };
  }

  private cappedNote(after: TranscriptEntry): TranscriptEntry {
    this.cappedSaid = true;
    const { maxEntries, maxBytes } = this.opts.settings;
    const detail = `the Redis copy of this transcript is capped at ${maxEntries} entries / ${Math.round(maxBytes / 1024)} KiB: the rest is on host ${this.opts.host} in ${this.path}`;
    this.budget.count(detail.length);
    return { type: 'step', step: 'transcript', status: 'skipped', detail, at: after.at, seq: after.seq };
  }

  /**
   * Appends to the JSONL copy; a file that cannot be written is said once, and Redis keeps its
   * copy. Synchronous on purpose: an open, a write and a close through libuv's thread pool
   * cost about 0.5 ms of CPU on a VM where the same calls made directly cost 0.02 ms, and a
   * batch is at most what 100 ms of output gathered.
   */
  private appendFile(lines: string[]): void {
    try {
      this.fd ??= openAppend(this.path);
      if (this.fd !== null) writeSync(this.fd, lines.join('\n') + '\n');
    } catch (e) {
      this.closeFile();
      this.warn(e as Error);
    }
  }

  private closeFile(): void {
    const fd = this.fd;
    this.fd = null;
    if (typeof fd === 'number') {
      try {
        closeSync(fd);
      } catch (e) {
        this.warn(e as Error);
      }
    }
  }

  private warn(e: Error): void {
    if (this.warned) return;
    this.warned = true;
    this.opts.log().warn({ err: e.message, transcript: this.path }, 'transcript not fully written');
  }
}

/** Opens the JSONL file for appending; its run's directory is made by the run's first attempt here. */
function openAppend(path: string): number {
  try {
    return openSync(path, 'a');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, 'a');
  }
}

// Live transcripts on task pages: one loop reads every watched transcript with one blocking
// XREAD and hands each browser its attempt's new entries.
import type { FleetStore, TranscriptRef } from '@agentfleet/store';
import type { Logger } from '@agentfleet/telemetry';
import { SseClient } from './sse.js';

interface Watcher {
  client: SseClient;
  ref: TranscriptRef;
  after: string;
}

export class TranscriptWatch {
  private readonly watchers = new Set<Watcher>();
  private running = false;
  private closed = false;

  constructor(
    private readonly store: FleetStore,
    private readonly logger: Logger,
  ) {}

  add(client: SseClient, ref: TranscriptRef, after: string): void {
    const w = { client, ref, after };
    this.watchers.add(w);
    client.res.on('close', () => this.watchers.delete(w));
    if (!this.running) void this.loop();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.watchers.size && !this.closed) {
        // one XREAD for every transcript watched, from the earliest position any browser is at
        const from = new Map<string, { ref: TranscriptRef; after: string }>();
        for (const w of this.watchers) {
          const key = this.store.transcripts.key(w.ref);
          const cur = from.get(key);
          if (!cur || streamIdBefore(w.after, cur.after)) from.set(key, { ref: w.ref, after: w.after });
        }
        const got = await this.store.transcripts.follow([...from.values()], 250);
        for (const w of this.watchers) {
          const entries = (got.get(this.store.transcripts.key(w.ref)) ?? []).filter((e) => streamIdBefore(w.after, e.id));
          if (!entries.length) continue;
          w.after = entries.at(-1)!.id;
          w.client.send('entries', entries.map((e) => e.entry), w.after);
        }
      }
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'console: transcript follow failed');
    } finally {
      this.running = false;
    }
    if (this.watchers.size && !this.closed) setTimeout(() => void this.loop(), 1000);
  }

  close(): void {
    this.closed = true;
  }
}

/** Whether stream id `a` comes before `b` (`<ms>-<seq>`, '0' first). */
export function streamIdBefore(a: string, b: string): boolean {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am < bm || (am === bm && as < bs);
}

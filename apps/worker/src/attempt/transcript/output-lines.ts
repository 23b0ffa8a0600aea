/**
 * Gathers what a process prints into whole lines per stream: a secret is scrubbed in one
 * piece only if no chunk boundary cuts it, and readers get lines, not fragments. A line
 * longer than `maxLine` is let through unfinished.
 */
export class OutputLines {
  private readonly partial = { stdout: '', stderr: '' };
  private readonly ready = { stdout: '', stderr: '' };

  constructor(private readonly maxLine = 64 * 1024) {}

  push(stream: 'stdout' | 'stderr', text: string): void {
    const joined = this.partial[stream] + text;
    const nl = joined.lastIndexOf('\n');
    if (nl < 0 && joined.length < this.maxLine) {
      this.partial[stream] = joined;
      return;
    }
    const cut = nl < 0 ? joined.length : nl + 1;
    this.ready[stream] += joined.slice(0, cut);
    this.partial[stream] = joined.slice(cut);
  }

  /** Bytes of whole lines waiting. */
  get pending(): number {
    return this.ready.stdout.length + this.ready.stderr.length;
  }

  get hasPartial(): boolean {
    return this.partial.stdout.length + this.partial.stderr.length > 0;
  }

  /** Takes the whole lines (and, with `all`, the unfinished ones too), stdout first. */
  take(all = false): { stream: 'stdout' | 'stderr'; text: string }[] {
    const out: { stream: 'stdout' | 'stderr'; text: string }[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const text = this.ready[stream] + (all ? this.partial[stream] : '');
      this.ready[stream] = '';
      if (all) this.partial[stream] = '';
      if (text) out.push({ stream, text });
    }
    return out;
  }
}

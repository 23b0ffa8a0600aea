/**
 * Gathers what a process prints into whole lines per stream: a secret is scrubbed in one
 * piece only if no chunk boundary cuts it, and readers get lines, not fragments. Pushing only
 * keeps the chunk (a command printing line by line sends a great many small ones); the lines
 * are cut when they are taken. A line longer than `maxLine` is let through unfinished.
 */
export class OutputLines {
  private readonly chunks = { stdout: [] as string[], stderr: [] as string[] };
  private readonly partial = { stdout: '', stderr: '' };
  private size = 0;

  constructor(private readonly maxLine = 64 * 1024) {}

  push(stream: 'stdout' | 'stderr', text: string): void {
    this.chunks[stream].push(text);
    this.size += text.length;
  }

  /** Characters pushed since the last take. */
  get pending(): number {
    return this.size;
  }

  get hasPartial(): boolean {
    return this.partial.stdout.length + this.partial.stderr.length > 0 || this.size > 0;
  }

  /** Takes the whole lines (and, with `all`, the unfinished ones too), stdout first. */
  take(all = false): { stream: 'stdout' | 'stderr'; text: string }[] {
    const out: { stream: 'stdout' | 'stderr'; text: string }[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const joined = this.partial[stream] + this.chunks[stream].join('');
      this.chunks[stream] = [];
      const nl = joined.lastIndexOf('\n');
      const cut = all || (nl < 0 && joined.length >= this.maxLine) ? joined.length : nl + 1;
      this.partial[stream] = joined.slice(cut);
      if (cut > 0) out.push({ stream, text: joined.slice(0, cut) });
    }
    this.size = 0;
    return out;
  }
}

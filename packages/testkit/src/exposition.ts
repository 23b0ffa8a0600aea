// Reading Prometheus exposition text (what /metrics serves): samples by their printed series
// key, or parsed into name, labels and value, with sums and the counter-like series.

/** `name{labels} value` lines of an exposition text, keyed by `name{labels}`. */
export function parseSamples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of an exposition text with their labels parsed (label values unescaped). */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of the samples of one series name whose labels include `match`. */
export function total(samples: readonly Sample[], name: string, match: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

/** The sample's identity: name and sorted labels. */
export function seriesKey(s: Sample): string {
  return `${s.name}{${Object.keys(s.labels)
    .sort()
    .map((k) => `${k}="${s.labels[k]}"`)
    .join(',')}}`;
}

/** Counter-like series (counters and histogram parts): the ones that must never go down. */
export function counterSeries(samples: readonly Sample[]): Map<string, number> {
  return new Map(samples.filter((s) => /(_total|_bucket|_count|_sum)$/.test(s.name)).map((s) => [seriesKey(s), s.value]));
}

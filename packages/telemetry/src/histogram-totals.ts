// A Prometheus histogram whose figures are set from durable totals rather than observed.
// prom-client's Histogram only accumulates observations made in this process, so a restarted
// monitor would start again from zero; this collector renders the totals kept in Redis as a
// real histogram (cumulative `_bucket{le}`, `_sum`, `_count`) and registers in a prom-client
// Registry like any other metric.
import type { Metric, Registry } from 'prom-client';
import type { HistogramTotals } from './snapshot.js';

export interface HistogramSeries extends HistogramTotals {
  labels: Record<string, string>;
}

export interface CumulativeBucket {
  le: string;
  count: number;
}

/** Prometheus' spelling of a bucket bound (`le` label value). */
export function formatBound(bound: number): string {
  if (bound === Infinity) return '+Inf';
  return String(bound);
}

/**
 * Turns per-bucket counts into cumulative `le` buckets ending with +Inf. The +Inf bucket and
 * the count are made equal (the larger of the two wins), which histogram_quantile relies on.
 */
export function cumulativeBuckets(bounds: readonly number[], totals: HistogramTotals): { buckets: CumulativeBucket[]; count: number } {
  const n = totals.buckets.length;
  if (n !== bounds.length && n !== bounds.length + 1) {
    throw new Error(`histogram totals have ${n} buckets but ${bounds.length} bounds (expected ${bounds.length} or ${bounds.length + 1})`);
  }
  for (let i = 1; i < bounds.length; i++) {
    if (!(bounds[i]! > bounds[i - 1]!)) throw new Error(`histogram bounds must ascend: ${bounds.join(', ')}`);
  }
  const out: CumulativeBucket[] = [];
  let running = 0;
  bounds.forEach((bound, i) => {
    running += Math.max(0, totals.buckets[i] ?? 0);
    out.push({ le: formatBound(bound), count: running });
  });
  if (n === bounds.length + 1) running += Math.max(0, totals.buckets[n - 1] ?? 0);
  const count = Math.max(running, totals.count);
  out.push({ le: '+Inf', count });
  return { buckets: out, count };
}

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName: string;
}

export interface TotalsHistogramConfig {
  name: string;
  help: string;
  labelNames: readonly string[];
  bounds: readonly number[];
  registers?: Registry[];
}

export class TotalsHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  private readonly bounds: readonly number[];
  private series: HistogramSeries[] = [];

  constructor(cfg: TotalsHistogramConfig) {
    this.name = cfg.name;
    this.help = cfg.help;
    this.labelNames = cfg.labelNames;
    this.bounds = cfg.bounds;
    // The registry only calls get() and reads name/type; prom-client's Metric union has no slot
    // for a custom collector, hence the cast.
    for (const r of cfg.registers ?? []) r.registerMetric(this as unknown as Metric);
  }

  /** Replaces all series (validated now, so a bad snapshot fails the scrape, not the render). */
  set(series: readonly HistogramSeries[]): void {
    for (const s of series) {
      const names = Object.keys(s.labels).sort();
      const expected = [...this.labelNames].sort();
      if (names.join(',') !== expected.join(',')) {
        throw new Error(`${this.name}: labels {${names.join(',')}} do not match {${expected.join(',')}}`);
      }
      cumulativeBuckets(this.bounds, s);
    }
    this.series = [...series];
  }

  reset(): void {
    this.series = [];
  }

  get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: MetricValue[] }> {
    const values: MetricValue[] = [];
    for (const s of this.series) {
      const { buckets, count } = cumulativeBuckets(this.bounds, s);
      for (const b of buckets) values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: b.le }, value: b.count });
      values.push({ metricName: `${this.name}_sum`, labels: { ...s.labels }, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...s.labels }, value: count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }
}

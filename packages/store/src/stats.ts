import { DURATION_BUCKETS_SECONDS, RUN_STATUSES, WAIT_BUCKETS_SECONDS, type FleetStats, type HistogramTotals, type RunStatus, type TaskStatus } from './types.js';

function histogram(size: number): HistogramTotals {
  return { buckets: new Array<number>(size + 1).fill(0), sum: 0, count: 0 };
}

/** Sets the 1-based bucket `n` of a histogram, ignoring one a newer writer added beyond the bounds. */
function setBucket(h: HistogramTotals, n: string | undefined, value: number): void {
  const idx = Number(n) - 1;
  if (idx >= 0 && idx < h.buckets.length) h.buckets[idx] = value;
}

const withCount = (h: HistogramTotals): HistogramTotals => ({ ...h, count: h.buckets.reduce((a, b) => a + b, 0) });

/** The totals being read, with the per-label groups the hash spreads over many fields. */
class StatsReading {
  readonly stats: FleetStats = { tasks: [], retries: [], tokens: [], costUsd: [], duration: [], wait: histogram(WAIT_BUCKETS_SECONDS.length), runs: [], workerRestarts: [], permitWaits: [] };
  readonly runs = new Map<RunStatus, number>(RUN_STATUSES.map((s) => [s, 0]));
  private readonly durations = new Map<string, HistogramTotals>();
  private readonly permits = new Map<string, { provider: string; count: number; seconds: number }>();

  duration(agent: string): HistogramTotals {
    let h = this.durations.get(agent);
    if (!h) this.durations.set(agent, (h = histogram(DURATION_BUCKETS_SECONDS.length)));
    return h;
  }

  permit(provider: string): { provider: string; count: number; seconds: number } {
    let p = this.permits.get(provider);
    if (!p) this.permits.set(provider, (p = { provider, count: 0, seconds: 0 }));
    return p;
  }

  finish(): FleetStats {
    const { stats } = this;
    stats.wait = withCount(stats.wait);
    stats.duration = [...this.durations].map(([agent, h]) => ({ agent, ...withCount(h) }));
    stats.runs = [...this.runs].map(([status, count]) => ({ status, count }));
    stats.permitWaits = [...this.permits.values()];
    return stats;
  }
}

type FieldReader = (r: StatsReading, labels: string[], value: number) => void;

/** One reader per field kind (the part of the field before the first `|`). */
const FIELD_READERS: Record<string, FieldReader> = {
  tasks: (r, [status, agent], count) => r.stats.tasks.push({ status: status as TaskStatus, agent: agent ?? 'unknown', count }),
  retries: (r, [agent], count) => r.stats.retries.push({ agent: agent ?? 'unknown', count }),
  tokens: (r, [model, kind], count) => r.stats.tokens.push({ model: model ?? '', kind: kind as 'input' | 'cachedInput' | 'output', count }),
  cost: (r, [model], usd) => r.stats.costUsd.push({ model: model ?? '', usd }),
  duration: (r, [agent, bucket], value) => setBucket(r.duration(agent ?? 'unknown'), bucket, value),
  duration_sum: (r, [agent], value) => void (r.duration(agent ?? 'unknown').sum = value),
  // protocol 1 kept the counts; they equal the buckets' sums
  duration_count: () => undefined,
  wait: (r, [bucket], value) => setBucket(r.stats.wait, bucket, value),
  wait_sum: (r, _labels, value) => void (r.stats.wait.sum = value),
  wait_count: () => undefined,
  runs: (r, [status], count) => void r.runs.set(status as RunStatus, count),
  restarts: (r, [host], count) => r.stats.workerRestarts.push({ host: host ?? '', count }),
  permit_waits: (r, [provider], count) => void (r.permit(provider ?? '').count = count),
  permit_wait_sum: (r, [provider], seconds) => void (r.permit(provider ?? '').seconds = seconds),
};

/**
 * Durable totals are one Redis hash of `kind|label|...` fields, incremented by the DAG
 * scripts as tasks finish, so every reader (monitor, report) sees the same monotonic counts.
 */
export function parseStats(hash: Record<string, string>): FleetStats {
  const reading = new StatsReading();
  for (const [field, raw] of Object.entries(hash)) {
    const [kind = '', ...labels] = field.split('|');
    FIELD_READERS[kind]?.(reading, labels, Number(raw));
  }
  return reading.finish();
}

import { DURATION_BUCKETS_SECONDS, RUN_STATUSES, WAIT_BUCKETS_SECONDS, type FleetStats, type HistogramTotals, type RunStatus, type TaskStatus } from './types.js';

function histogram(size: number): HistogramTotals {
  return { buckets: new Array<number>(size + 1).fill(0), sum: 0, count: 0 };
}

/**
 * Durable totals are one Redis hash of `kind|label|...` fields, incremented by the DAG
 * scripts as tasks finish, so every reader (monitor, report) sees the same monotonic counts.
 */
export function parseStats(hash: Record<string, string>): FleetStats {
  const stats: FleetStats = { tasks: [], retries: [], tokens: [], costUsd: [], duration: [], wait: histogram(WAIT_BUCKETS_SECONDS.length), runs: [], workerRestarts: [], permitWaits: [] };
  const permits = new Map<string, { provider: string; count: number; seconds: number }>();
  const permit = (provider: string) => {
    let p = permits.get(provider);
    if (!p) permits.set(provider, (p = { provider, count: 0, seconds: 0 }));
    return p;
  };
  const durations = new Map<string, HistogramTotals>();
  const dur = (agent: string) => {
    let h = durations.get(agent);
    if (!h) durations.set(agent, (h = histogram(DURATION_BUCKETS_SECONDS.length)));
    return h;
  };
  const runs = new Map<RunStatus, number>(RUN_STATUSES.map((s) => [s, 0]));
  for (const [field, raw] of Object.entries(hash)) {
    const parts = field.split('|');
    const value = Number(raw);
    switch (parts[0]) {
      case 'tasks':
        stats.tasks.push({ status: parts[1] as TaskStatus, agent: parts[2] ?? 'unknown', count: value });
        break;
      case 'retries':
        stats.retries.push({ agent: parts[1] ?? 'unknown', count: value });
        break;
      case 'tokens':
        stats.tokens.push({ model: parts[1] ?? '', kind: parts[2] as 'input' | 'cachedInput' | 'output', count: value });
        break;
      case 'cost':
        stats.costUsd.push({ model: parts[1] ?? '', usd: value });
        break;
      case 'duration': {
        const idx = Number(parts[2]) - 1;
        const h = dur(parts[1] ?? 'unknown');
        if (idx >= 0 && idx < h.buckets.length) h.buckets[idx] = value;
        break;
      }
      case 'duration_sum':
        dur(parts[1] ?? 'unknown').sum = value;
        break;
      case 'duration_count': // protocol 1 kept the count; it equals the buckets' sum
        break;
      case 'wait': {
        const idx = Number(parts[1]) - 1;
        if (idx >= 0 && idx < stats.wait.buckets.length) stats.wait.buckets[idx] = value;
        break;
      }
      case 'wait_sum':
        stats.wait.sum = value;
        break;
      case 'wait_count':
        break;
      case 'runs':
        runs.set(parts[1] as RunStatus, value);
        break;
      case 'restarts':
        stats.workerRestarts.push({ host: parts[1] ?? '', count: value });
        break;
      case 'permit_waits':
        permit(parts[1] ?? '').count = value;
        break;
      case 'permit_wait_sum':
        permit(parts[1] ?? '').seconds = value;
        break;
    }
  }
  const withCount = (h: HistogramTotals): HistogramTotals => ({ ...h, count: h.buckets.reduce((a, b) => a + b, 0) });
  stats.wait = withCount(stats.wait);
  stats.duration = [...durations].map(([agent, h]) => ({ agent, ...withCount(h) }));
  stats.runs = [...runs].map(([status, count]) => ({ status, count }));
  stats.permitWaits = [...permits.values()];
  return stats;
}

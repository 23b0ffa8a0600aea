import type { RunSnapshot } from '@agentfleet/telemetry';

const FINAL = ['succeeded', 'failed', 'skipped', 'cancelled'] as const;

export interface RunProgress {
  done: number;
  total: number;
  ratio: number;
  failed: number;
  running: number;
  /** remaining time at the pace so far; null before the first task finishes */
  etaMs: number | null;
  elapsedMs: number;
}

/** Progress of a run from its task counts; the ETA assumes the pace so far continues. */
export function runProgress(run: RunSnapshot, now: number): RunProgress {
  const count = (s: string) => run.counts[s] ?? 0;
  const done = FINAL.reduce((n, s) => n + count(s), 0);
  const total = Math.max(run.total, done);
  const started = run.startedAt ? Date.parse(run.startedAt) : NaN;
  const finished = run.finishedAt ? Date.parse(run.finishedAt) : NaN;
  const elapsedMs = Number.isFinite(started) ? Math.max(0, (Number.isFinite(finished) ? finished : now) - started) : 0;
  let etaMs: number | null = null;
  if (done >= total) etaMs = 0;
  else if (done > 0 && elapsedMs > 0) etaMs = Math.round((elapsedMs / done) * (total - done));
  return { done, total, ratio: total > 0 ? done / total : 0, failed: count('failed'), running: count('running'), etaMs, elapsedMs };
}

import type { RunWithCounts, WaitingTask } from '@agentfleet/store';
import { formatTable } from '../output.js';
import { providerLines, type ProviderStates } from './providers.js';

/** One line of run progress: a bar and the counts by status. */
export function progressLine(run: RunWithCounts, width = 30): string {
  const c = run.counts;
  const done = c.succeeded + c.failed + c.skipped + c.cancelled;
  const filled = run.total ? Math.round((done / run.total) * width) : 0;
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const waiting = c.parked + c.awaiting_approval;
  return `${bar} ${done}/${run.total} ${run.status} · ok ${c.succeeded} · failed ${c.failed} · skipped ${c.skipped} · cancelled ${c.cancelled} · running ${c.running} · queued ${c.queued + c.ready}${waiting ? ` · waiting ${waiting}` : ''} · blocked ${c.blocked}`;
}

/** What a waiting task waits for, and until when; a gate says who can decide and how. */
export function waitLine(w: WaitingTask, now = Date.now()): string {
  if (w.status === 'awaiting_approval') {
    const until = w.until === null ? '' : w.until <= now ? ' (its timeout is due)' : ` (decided by its timeout at ${new Date(w.until).toISOString()})`;
    return `${w.taskId}: awaits approval${w.reason ? ` — ${w.reason}` : ''}${until}: fleet approve|reject ${w.runId} ${w.taskId}`;
  }
  const until = w.until === null ? 'until woken' : w.until <= now ? 'due now' : `until ${new Date(w.until).toISOString()}`;
  return `${w.taskId}: parked (${w.kind}) ${until}${w.reason ? ` — ${w.reason}` : ''}`;
}

export function statusLines(run: RunWithCounts, waiting: readonly WaitingTask[] = [], providers?: ProviderStates): string[] {
  const onProviders = providers ? providerLines(providers, Date.now(), run.id) : [];
  return formatTable([
    ['run', run.id],
    ['name', run.name],
    ['status', run.status],
    ['schedule', run.schedule],
    ['base', run.baseCommit ?? '-'],
    ['created', run.createdAt],
    ['started', run.startedAt ?? '-'],
    ['finished', run.finishedAt ?? '-'],
    ['progress', progressLine(run)],
    ...(run.budgetUsd !== null || run.costUsd > 0 ? [['spend', budgetLine(run)]] : []),
    ...waiting.map((w, i) => [i === 0 ? 'waiting' : '', waitLine(w)]),
    ...onProviders.map((l, i) => [i === 0 ? 'providers' : '', l]),
  ]);
}

/** Dollars in a line: cents from a dollar on, else up to four decimals ($0.006, $0.0125). */
export function money(usd: number): string {
  return `$${usd >= 1 ? usd.toFixed(2) : String(Number(usd.toFixed(4)))}`;
}

/** `spent $4.20 of $5.00 (paused at its budget: ...)` */
export function budgetLine(run: Pick<RunWithCounts, 'id' | 'costUsd' | 'budgetUsd' | 'status'>): string {
  if (run.budgetUsd === null) return `spent ${money(run.costUsd)} (no budget)`;
  return `spent ${money(run.costUsd)} of ${money(run.budgetUsd)}${run.status === 'paused' ? ` (paused at its budget: fleet budget ${run.id} --raise USD resumes it)` : ''}`;
}

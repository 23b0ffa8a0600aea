// Progress, ETA and cost of a run as the run page and its live updates show them.
import { simulateMakespan, type Schedule } from '@agentfleet/core';
import type { GraphTask, TaskStatus } from '@agentfleet/store';

const DONE: readonly TaskStatus[] = ['succeeded', 'failed', 'skipped', 'cancelled'];

export interface RunFigures {
  done: number;
  total: number;
  counts: Partial<Record<TaskStatus, number>>;
  /** remaining ms by list scheduling over what is left on the fleet's slots; null when no slot is up */
  etaMs: number | null;
}

export function runFigures(tasks: readonly GraphTask[], statuses: ReadonlyMap<string, TaskStatus>, schedule: Schedule, slots: number, now = Date.now()): RunFigures {
  const counts: Partial<Record<TaskStatus, number>> = {};
  const done = new Set<string>();
  const running = new Map<string, number>();
  for (const t of tasks) {
    const s = statuses.get(t.id) ?? t.status;
    counts[s] = (counts[s] ?? 0) + 1;
    if (DONE.includes(s)) done.add(t.id);
    else if (s === 'running') running.set(t.id, t.startedAt ? now - t.startedAt : 0);
  }
  const left = tasks.length - done.size;
  const etaMs = left === 0 ? 0 : slots > 0 ? simulateMakespan(tasks, slots, schedule, { done, running }) : null;
  return { done: done.size, total: tasks.length, counts, etaMs };
}

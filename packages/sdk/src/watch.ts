import { setTimeout as sleep } from 'node:timers/promises';
import { connectFleet, type ConnectOptions } from './connection.js';
import type { FleetStore, RunStatus, TaskError, TaskStatus } from '@agentfleet/store';

/** What `watch(runId)` yields: a task changed status, or the run did (the last event is the run's end). */
export type WorkflowEvent =
  | { type: 'task'; runId: string; taskId: string; status: TaskStatus; previous: TaskStatus | null; at: string; error: TaskError | null; branch: string | null }
  | { type: 'run'; runId: string; status: RunStatus; previous: RunStatus | null; at: string };

export interface WatchOptions {
  /** how often the run is read (default 500 ms) */
  intervalMs?: number;
  signal?: AbortSignal;
}

const ENDED: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

/**
 * Follows a run from Redis: one event per task status change (tasks a plan fragment adds
 * appear as they join), one per run status change, ending with the run's end. Reading Redis,
 * not a connection to the workers, it can start, stop and resume at any time.
 */
export async function* watchRun(store: FleetStore, runId: string, opts: WatchOptions = {}): AsyncGenerator<WorkflowEvent, RunStatus> {
  const seen = new Map<string, TaskStatus>();
  let run: RunStatus | null = null;
  for (;;) {
    const report = await store.read.report(runId);
    const at = new Date().toISOString();
    for (const t of report.tasks) {
      const previous = seen.get(t.id) ?? null;
      if (previous === t.status) continue;
      seen.set(t.id, t.status);
      yield { type: 'task', runId, taskId: t.id, status: t.status, previous, at, error: t.error, branch: t.branch };
    }
    if (report.run.status !== run) {
      yield { type: 'run', runId, status: report.run.status, previous: run, at };
      run = report.run.status;
    }
    if (ENDED.includes(run)) return run;
    if (opts.signal?.aborted) return run;
    await sleep(opts.intervalMs ?? 500, undefined, { signal: opts.signal }).catch(() => undefined);
  }
}

/** `watch(runId)`: the run's task events as an async iterator, on a connection of its own (closed at the end). */
export async function* watch(runId: string, opts: WatchOptions & ConnectOptions = {}): AsyncGenerator<WorkflowEvent, RunStatus> {
  const fleet = await connectFleet(opts);
  try {
    return yield* watchRun(fleet.store, runId, opts);
  } finally {
    await fleet.close();
  }
}

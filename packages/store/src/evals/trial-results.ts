import { emptyUsage, type TrialResult, type TrialSpec, type TrialStatus } from '@agentfleet/core';
import type { RunReport, RunStatus } from '../types.js';

const ENDED: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export function runEnded(status: string | null | undefined): boolean {
  return ENDED.includes(status as RunStatus);
}

/**
 * What a trial came to, from its run's report (one task, the case): solved when the task
 * succeeded (so every check passed, hidden tests included), unsolved when it failed, cancelled
 * when it was stopped before it ended (not attempted); its spend whatever the end.
 */
export function trialResultOf(spec: TrialSpec, report: RunReport): TrialResult {
  const task = report.tasks.find((t) => t.id === spec.caseId) ?? report.tasks[0];
  const status: TrialStatus = !runEnded(report.run.status) ? 'pending' : task?.status === 'succeeded' ? 'solved' : task?.status === 'failed' ? 'unsolved' : 'cancelled';
  const start = report.run.startedAt ? Date.parse(report.run.startedAt) : null;
  const end = report.run.finishedAt ? Date.parse(report.run.finishedAt) : null;
  return {
    ...spec,
    status,
    error: status === 'solved' ? null : (task?.error ?? null),
    durationMs: start !== null && end !== null ? end - start : null,
    usage: task?.usage ?? emptyUsage(),
    costUsd: task?.costUsd ?? 0,
    attempts: task?.attempts ?? 0,
    provider: task?.provider ?? null,
    model: task?.model ?? null,
  };
}

/** A trial whose run is not there (not launched yet, or never: the eval stopped first). */
export function trialWithoutRun(spec: TrialSpec, status: TrialStatus, reason?: string): TrialResult {
  return { ...spec, status, error: reason ? { kind: 'cancelled', message: reason } : null, durationMs: null, usage: emptyUsage(), costUsd: 0, attempts: 0, provider: null, model: null };
}

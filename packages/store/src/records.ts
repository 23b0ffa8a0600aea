import { branchOf, type AgentKind, type Schedule } from '@agentfleet/core';
import { TASK_STATUSES, type ApprovalRecord, type AttemptHistoryEntry, type RunStatus, type RunSummary, type TaskReport, type TaskStatus } from './types.js';

export function emptyCounts(): Record<TaskStatus, number> {
  return Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
}

function iso(ms: string | undefined): string | null {
  if (!ms) return null;
  const n = Number(ms);
  return Number.isFinite(n) && n > 0 ? new Date(n).toISOString() : null;
}

function json<T>(s: string | undefined, fallback: T): T {
  if (!s) return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
}

export function toRunSummary(h: Record<string, string>): RunSummary {
  return {
    id: h.id ?? '',
    name: h.name ?? '',
    status: (h.status as RunStatus) ?? 'queued',
    schedule: (h.schedule as Schedule) ?? 'deps',
    baseCommit: h.baseCommit || null,
    createdAt: iso(h.createdAt) ?? '',
    startedAt: iso(h.startedAt),
    finishedAt: iso(h.finishedAt),
  };
}

export function toTaskReport(h: Record<string, string>, runId: string): TaskReport {
  const started = Number(h.startedAt ?? 0);
  const finished = Number(h.finishedAt ?? 0);
  const status = (h.status as TaskStatus) ?? 'blocked';
  const commit = h.commit || null;
  return {
    id: h.id ?? '',
    status,
    host: h.host || null,
    worker: h.worker || null,
    attempts: Number(h.attempts ?? 0),
    queuedAt: iso(h.queuedAt),
    startedAt: iso(h.startedAt),
    finishedAt: iso(h.finishedAt),
    durationMs: h.durationMs ? Number(h.durationMs) : started && finished ? finished - started : null,
    waitMs: h.waitMs ? Number(h.waitMs) : null,
    error: status === 'succeeded' ? null : json(h.error, null),
    branch: h.branch || (commit ? branchOf(runId, h.id ?? '') : null),
    commit,
    diff: json(h.diff, null),
    provider: h.provider || null,
    model: h.model || null,
    usage: usageOf(h),
    costUsd: round6(Number(h.spentUsd ?? h.costUsd ?? 0)),
    title: h.title ?? '',
    agent: (h.agent as AgentKind) ?? 'noop',
    deps: json(h.deps, [] as string[]),
    skippedBecause: h.skippedBecause || null,
    outputTail: h.outputTail || null,
    review: json(h.review, null),
    summary: h.summary || null,
    history: json(h.history, [] as AttemptHistoryEntry[]),
    base: h.base || null,
    wait: h.waitKind ? { kind: h.waitKind, reason: h.waitReason ?? '', until: h.waitUntil ? Number(h.waitUntil) : null, since: h.waitingSince ? Number(h.waitingSince) : null } : null,
    outputs: json(h.outputs, null),
    approval: approvalOf(h.approval),
    handled: h.handled === '1',
    skipReason: status === 'skipped' ? (h.skipReason === 'condition' ? 'condition' : 'failure') : null,
    expanded: h.expandedTasks ? Number(h.expandedTasks) : null,
    anyDeps: json(h.anyDeps, [] as string[]),
  };
}

/** The decide script keeps epoch ms and omits what was not said. */
function approvalOf(text: string | undefined): ApprovalRecord | null {
  const a = json<{ decision?: string; by?: string; at?: number; note?: string; timedOut?: boolean } | null>(text, null);
  if (!a?.decision) return null;
  return { decision: a.decision === 'approve' ? 'approve' : 'reject', by: a.by ?? '', at: iso(String(a.at ?? '')) ?? '', note: a.note ?? null, timedOut: a.timedOut === true };
}

/** Totals over every attempt (protocol 2); a protocol-1 record kept the last attempt's usage as JSON. */
function usageOf(h: Record<string, string>): TaskReport['usage'] {
  if (h.usageInput === undefined && h.usageOutput === undefined && h.usageCachedInput === undefined) return json(h.usage, { input: 0, cachedInput: 0, output: 0 });
  return { input: Number(h.usageInput ?? 0), cachedInput: Number(h.usageCachedInput ?? 0), output: Number(h.usageOutput ?? 0) };
}

export function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

import type { ReadyTask } from '../types.js';

/** The first element of every run script's reply. */
export enum ScriptReply {
  Ok = 'ok',
  /** complete: the task was terminal already (a second delivery) */
  Duplicate = 'dup',
  /** complete: the attempt no longer owned the task; nothing was recorded */
  Stale = 'stale',
  /** claim, cancel: nothing to do, the task or run has ended */
  Terminal = 'terminal',
  /** decide: the task does not await approval */
  No = 'no',
  /** decide: a timeout that is not due yet */
  Early = 'early',
  /** expand: the fragment was refused (the reason follows) */
  Refused = 'refused',
}

/** Jobs of ready tasks as the scripts flatten them (includes/describe-job.lua): six values each. */
export function parseReady(runId: string, flat: readonly (string | number)[]): ReadyTask[] {
  const out: ReadyTask[] = [];
  for (let i = 0; i + 5 < flat.length; i += 6) {
    out.push({ runId, taskId: String(flat[i]), queue: String(flat[i + 1]), attempts: Number(flat[i + 2]), backoffMs: Number(flat[i + 3]), priority: Number(flat[i + 4]), jobSeq: Number(flat[i + 5]) });
  }
  return out;
}

/** The figures of an attempt as the spend include reads them. */
export function spendArg(spend: { model: string | null; usage: { input: number; cachedInput: number; output: number }; costUsd: number } | undefined, extra: Record<string, number> = {}): string {
  return JSON.stringify({
    model: spend?.model ?? '',
    input: spend?.usage.input ?? 0,
    cachedInput: spend?.usage.cachedInput ?? 0,
    output: spend?.usage.output ?? 0,
    costUsd: spend?.costUsd ?? 0,
    ...extra,
  });
}

import type { EvalCase, EvalStatus, EvalVariant, TrialSpec } from '@agentfleet/core';
import type { RunConfig } from '../types.js';
import type { EvalRecord, NewEval } from './eval-types.js';

/** The eval hash's fields of a new eval (hidden files are stored apart). */
export function evalFields(e: NewEval, createdAt: number): Record<string, string | number> {
  return {
    id: e.id,
    name: e.name,
    suite: e.suite,
    status: 'running',
    createdAt,
    repeat: e.repeat,
    ...(e.budgetUsd !== null ? { budgetUsd: e.budgetUsd } : {}),
    push: e.push ? '1' : '0',
    variants: JSON.stringify(e.variants),
    cases: JSON.stringify(e.cases),
    trials: JSON.stringify(e.trials),
    config: JSON.stringify(e.config),
    launched: 0,
  };
}

export function toEvalRecord(h: Record<string, string>): EvalRecord {
  return {
    id: h.id ?? '',
    name: h.name ?? '',
    suite: h.suite ?? '',
    status: (h.status as EvalStatus) ?? 'running',
    stopReason: h.stopReason || null,
    createdAt: Number(h.createdAt ?? 0),
    finishedAt: h.finishedAt ? Number(h.finishedAt) : null,
    repeat: Number(h.repeat ?? 1),
    budgetUsd: h.budgetUsd ? Number(h.budgetUsd) : null,
    push: h.push === '1',
    variants: JSON.parse(h.variants ?? '[]') as EvalVariant[],
    cases: JSON.parse(h.cases ?? '[]') as EvalCase[],
    trials: JSON.parse(h.trials ?? '[]') as TrialSpec[],
    config: JSON.parse(h.config ?? '{}') as RunConfig,
    launched: Number(h.launched ?? 0),
  };
}

/** The labels of a variant in the durable totals: `auto` when the tier is not forced, `chain` when the providers are not limited. */
export function variantLabels(v: EvalVariant | undefined): { agent: string; tier: string; provider: string } {
  return { agent: v?.agent ?? 'unknown', tier: v?.tier ?? 'auto', provider: v?.provider ?? 'chain' };
}

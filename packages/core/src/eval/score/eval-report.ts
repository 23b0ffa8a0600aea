import type { EvalReport, EvalSummary } from '../types-report.js';
import type { EvalVariant, TrialResult } from '../types.js';
import { compareToBaseline } from './baseline.js';
import { scoreCases, scoreVariant } from './variant-score.js';

export interface EvalReportInputs {
  summary: EvalSummary;
  variants: readonly EvalVariant[];
  caseIds: readonly string[];
  trials: readonly TrialResult[];
}

/** The whole report of an eval from its trials; with a baseline eval's trials, the comparison too. */
export function evalReport(e: EvalReportInputs, baseline?: { evalId: string; trials: readonly TrialResult[] }): EvalReport {
  return {
    eval: e.summary,
    variants: e.variants.map((v) => scoreVariant(v, e.trials, e.summary.repeat)),
    cases: scoreCases(e.caseIds, e.variants, e.trials),
    trials: [...e.trials],
    ...(baseline ? { baseline: compareToBaseline(baseline.evalId, e.variants, e.trials, baseline.trials) } : {}),
  };
}

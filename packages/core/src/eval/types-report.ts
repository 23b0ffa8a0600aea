import type { Tier } from '../config/schema.js';
import type { Usage } from '../usage.js';
import type { TrialResult } from './types.js';

/** running: trials left; finished: every trial ended; stopped: at its budget or cancelled (trials not run stay unattempted). */
export type EvalStatus = 'running' | 'finished' | 'stopped';

/** The `eval` object of `fleet eval report --format json` and of `fleet evals --json` (contract). */
export interface EvalSummary {
  id: string;
  name: string;
  status: EvalStatus;
  /** why it stopped (budget, cancelled), else null */
  stopReason: string | null;
  createdAt: string;
  finishedAt: string | null;
  repeat: number;
  budgetUsd: number | null;
  costUsd: number;
  trials: { total: number; ended: number; solved: number };
}

/** One variant's scores (a row of the report's table). */
export interface VariantScore {
  name: string;
  agent: string;
  tier: Tier | null;
  provider: string | null;
  /** trials planned, and of them: ended as solved or unsolved (attempted), cancelled, not ended yet */
  trials: number;
  attempted: number;
  solved: number;
  cancelled: number;
  pending: number;
  /** solved / attempted, with its 95 % Wilson interval (null before any trial ended) */
  passRate: number | null;
  interval: { low: number; high: number } | null;
  /** the unbiased pass@k, averaged over the cases with at least k attempted trials, for k = 1..repeat */
  passAtK: Record<string, number>;
  /** distinct cases attempted, and solved at least once */
  cases: number;
  casesSolved: number;
  /** wall time of the attempted trials, nearest rank */
  wallMs: { median: number | null; p90: number | null };
  usage: Usage;
  /** every trial's spend, whatever its end */
  costUsd: number;
  /** costUsd / solved trials (null when it solved none): what a solved task costs */
  costPerSolvedUsd: number | null;
  /** costUsd / cases solved at least once (null when it solved none); the same as costPerSolvedUsd without --repeat */
  costPerSolvedCaseUsd: number | null;
  /** unsolved trials by the kind of their failure */
  failures: Record<string, number>;
}

export interface CaseVariantScore {
  solved: number;
  attempted: number;
  runs: { runId: string; repeat: number; status: TrialResult['status'] }[];
}

/** One case across the variants: who solves it how often; flaky where some trials pass and some fail. */
export interface CaseScore {
  id: string;
  variants: Record<string, CaseVariantScore>;
  solvedBy: string[];
  flaky: boolean;
  /** the variants in which it is flaky */
  flakyIn: string[];
}

export interface VariantComparison {
  name: string;
  /** paired trials (same case, same repeat number, attempted in both evals) */
  pairs: number;
  /** pairs solved in the baseline and not now, and the opposite */
  lost: number;
  gained: number;
  passRate: number | null;
  baselinePassRate: number | null;
  pValue: number;
  /** the drop is beyond the noise: pValue < alpha */
  regressed: boolean;
}

/** `--baseline EVAL`: each variant against the baseline's variant of the same name. */
export interface BaselineComparison {
  evalId: string;
  test: string;
  alpha: number;
  variants: VariantComparison[];
  /** variants with no namesake in the baseline */
  unmatched: string[];
}

/** `fleet eval report EVAL --format json` (contract). */
export interface EvalReport {
  eval: EvalSummary;
  variants: VariantScore[];
  cases: CaseScore[];
  trials: TrialResult[];
  baseline?: BaselineComparison;
}

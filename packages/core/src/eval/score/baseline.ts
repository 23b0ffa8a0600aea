import type { BaselineComparison, VariantComparison } from '../types-report.js';
import type { EvalVariant, TrialResult } from '../types.js';
import { mcnemarOneSided } from './stats.js';

export const BASELINE_ALPHA = 0.05;
export const BASELINE_TEST = "McNemar's exact test, one-sided, on paired trials (same case and repeat number in both evals)";

const key = (t: TrialResult) => `${t.caseId}#${t.repeat}`;
const attempted = (t: TrialResult) => t.status === 'solved' || t.status === 'unsolved';
const rate = (ts: readonly TrialResult[]) => (ts.length ? ts.filter((t) => t.status === 'solved').length / ts.length : null);

/**
 * Each variant against the baseline eval's variant of the same name, case by case: trials are
 * paired by case and repeat number (trials of one case are exchangeable, so any pairing is
 * fair under "no change"), and a variant is flagged when McNemar's one-sided exact test finds
 * its losses beyond the noise (p < alpha). Trials not attempted in both evals are left out.
 */
export function compareToBaseline(baselineId: string, variants: readonly EvalVariant[], trials: readonly TrialResult[], baseline: readonly TrialResult[], alpha = BASELINE_ALPHA): BaselineComparison {
  const out: VariantComparison[] = [];
  const unmatched: string[] = [];
  for (const v of variants) {
    const before = new Map(baseline.filter((t) => t.variant === v.name && attempted(t)).map((t) => [key(t), t]));
    if (!baseline.some((t) => t.variant === v.name)) {
      unmatched.push(v.name);
      continue;
    }
    const now = trials.filter((t) => t.variant === v.name && attempted(t) && before.has(key(t)));
    const then = now.map((t) => before.get(key(t))!);
    let lost = 0;
    let gained = 0;
    now.forEach((t, i) => {
      const was = then[i]!.status === 'solved';
      const is = t.status === 'solved';
      if (was && !is) lost++;
      if (!was && is) gained++;
    });
    const pValue = mcnemarOneSided(lost, gained);
    out.push({ name: v.name, pairs: now.length, lost, gained, passRate: rate(now), baselinePassRate: rate(then), pValue, regressed: pValue < alpha });
  }
  return { evalId: baselineId, test: BASELINE_TEST, alpha, variants: out, unmatched };
}

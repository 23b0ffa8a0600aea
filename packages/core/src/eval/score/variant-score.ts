import { addUsage, emptyUsage, roundUsd } from '../../usage.js';
import type { CaseScore, VariantScore } from '../types-report.js';
import type { EvalVariant, TrialResult } from '../types.js';
import { nearestRank, passAtK, wilsonInterval } from './stats.js';

const attempted = (t: TrialResult) => t.status === 'solved' || t.status === 'unsolved';

/** Trials of a variant grouped by case: attempted count and solved count per case. */
function byCase(trials: readonly TrialResult[]): Map<string, { n: number; c: number }> {
  const cases = new Map<string, { n: number; c: number }>();
  for (const t of trials) {
    if (!attempted(t)) continue;
    const s = cases.get(t.caseId) ?? { n: 0, c: 0 };
    s.n++;
    if (t.status === 'solved') s.c++;
    cases.set(t.caseId, s);
  }
  return cases;
}

/** pass@k for k = 1..maxK: the mean over the cases that have at least k attempted trials. */
function passAtKs(cases: Map<string, { n: number; c: number }>, maxK: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let k = 1; k <= maxK; k++) {
    const eligible = [...cases.values()].filter((s) => s.n >= k);
    if (eligible.length) out[String(k)] = eligible.reduce((sum, s) => sum + passAtK(s.n, s.c, k), 0) / eligible.length;
  }
  return out;
}

/**
 * One variant's row: solved / attempted with its Wilson interval, pass@k, wall times, tokens,
 * the whole spend and the spend per solved trial, failures by kind. A trial cancelled (budget,
 * cancel) or not ended is not attempted; its spend still counts.
 */
export function scoreVariant(variant: EvalVariant, trials: readonly TrialResult[], repeat: number): VariantScore {
  const mine = trials.filter((t) => t.variant === variant.name);
  const done = mine.filter(attempted);
  const solved = done.filter((t) => t.status === 'solved').length;
  const cases = byCase(mine);
  const costUsd = roundUsd(mine.reduce((s, t) => s + t.costUsd, 0));
  const failures: Record<string, number> = {};
  for (const t of done) if (t.status === 'unsolved') failures[t.error?.kind ?? 'unknown'] = (failures[t.error?.kind ?? 'unknown'] ?? 0) + 1;
  const casesSolved = [...cases.values()].filter((s) => s.c > 0).length;
  const walls = done.flatMap((t) => (t.durationMs === null ? [] : [t.durationMs]));
  return {
    name: variant.name,
    agent: variant.agent,
    tier: variant.tier ?? null,
    provider: variant.provider ?? null,
    trials: mine.length,
    attempted: done.length,
    solved,
    cancelled: mine.filter((t) => t.status === 'cancelled').length,
    pending: mine.filter((t) => t.status === 'pending').length,
    passRate: done.length ? solved / done.length : null,
    interval: wilsonInterval(solved, done.length),
    passAtK: passAtKs(cases, repeat),
    cases: cases.size,
    casesSolved,
    wallMs: { median: nearestRank(walls, 0.5), p90: nearestRank(walls, 0.9) },
    usage: mine.reduce((u, t) => addUsage(u, t.usage), emptyUsage()),
    costUsd,
    costPerSolvedUsd: solved ? roundUsd(costUsd / solved) : null,
    costPerSolvedCaseUsd: casesSolved ? roundUsd(costUsd / casesSolved) : null,
    failures,
  };
}

/** Each case across the variants, in the suite's order: flaky where a variant solved it in some of its trials only. */
export function scoreCases(caseIds: readonly string[], variants: readonly EvalVariant[], trials: readonly TrialResult[]): CaseScore[] {
  return caseIds.map((id) => {
    const score: CaseScore = { id, variants: {}, solvedBy: [], flaky: false, flakyIn: [] };
    for (const v of variants) {
      const mine = trials.filter((t) => t.caseId === id && t.variant === v.name).sort((a, b) => a.repeat - b.repeat);
      const done = mine.filter(attempted);
      const solved = done.filter((t) => t.status === 'solved').length;
      score.variants[v.name] = { solved, attempted: done.length, runs: mine.map((t) => ({ runId: t.runId, repeat: t.repeat, status: t.status })) };
      if (solved > 0) score.solvedBy.push(v.name);
      if (solved > 0 && solved < done.length) score.flakyIn.push(v.name);
    }
    score.flaky = score.flakyIn.length > 0;
    return score;
  });
}

// The eval's statistics, number by number: Wilson intervals, the unbiased pass@k, McNemar's
// exact test, nearest-rank quantiles, and a variant's row and the case table built from trials.
import { describe, expect, it } from 'vitest';
import { compareToBaseline, mcnemarOneSided, nearestRank, passAtK, scoreCases, scoreVariant, wilsonInterval, type EvalVariant, type TrialResult } from '../src/index.js';

const trial = (caseId: string, status: TrialResult['status'], o: Partial<TrialResult> = {}): TrialResult => ({
  runId: `e-${caseId}-${o.repeat ?? 1}`, caseId, variant: 'llm/low', repeat: 1, status,
  error: status === 'unsolved' ? { kind: 'check_failed', message: 'npm test failed' } : null,
  durationMs: 1000, usage: { input: 100, cachedInput: 0, output: 10 }, costUsd: 0.01, attempts: 1, provider: 'lan', model: 'm', ...o,
});

describe('statistics', () => {
  it('Wilson 95 % intervals (3/6, 5/6, 0/6, 6/6, none)', () => {
    const w = (c: number, n: number) => {
      const i = wilsonInterval(c, n)!;
      return [Number(i.low.toFixed(4)), Number(i.high.toFixed(4))];
    };
    expect(w(3, 6)).toEqual([0.1876, 0.8124]);
    expect(w(5, 6)).toEqual([0.4365, 0.9699]);
    expect(w(0, 6)).toEqual([0, 0.3903]);
    expect(w(6, 6)).toEqual([0.6097, 1]);
    expect(w(1, 10)).toEqual([0.0179, 0.4042]);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('pass@k is 1 - C(n-c,k)/C(n,k): pass@1 = c/n, and 1 once a failure-only draw is impossible', () => {
    expect(passAtK(3, 2, 1)).toBeCloseTo(2 / 3, 12);
    expect(passAtK(3, 2, 2)).toBe(1);
    expect(passAtK(3, 2, 3)).toBe(1);
    expect(passAtK(3, 0, 3)).toBe(0);
    expect(passAtK(10, 3, 5)).toBeCloseTo(1 - 21 / 252, 12); // C(7,5)/C(10,5)
    expect(() => passAtK(2, 1, 3)).toThrow(RangeError);
  });

  it("McNemar's exact one-sided p: P(X >= lost), X ~ Bin(lost + gained, 1/2)", () => {
    expect(mcnemarOneSided(6, 0)).toBe(1 / 64);
    expect(mcnemarOneSided(2, 0)).toBe(0.25);
    expect(mcnemarOneSided(7, 1)).toBeCloseTo(9 / 256, 12);
    expect(mcnemarOneSided(1, 1)).toBeCloseTo(0.75, 12);
    expect(mcnemarOneSided(0, 3)).toBe(1);
    expect(mcnemarOneSided(0, 0)).toBe(1);
    expect(mcnemarOneSided(60, 40)).toBeCloseTo(0.02844, 4);
  });

  it('nearest-rank quantiles', () => {
    expect(nearestRank([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(nearestRank([4, 1, 3, 2], 0.5)).toBe(2);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(nearestRank([7], 0.9)).toBe(7);
    expect(nearestRank([], 0.5)).toBeNull();
  });
});

describe('a variant row and the case table', () => {
  const v: EvalVariant = { name: 'llm/low', agent: 'llm', tier: 'low' };

  it('counts attempted and solved trials; cancelled ones are not attempted but their spend counts; cost per solved; failures by kind', () => {
    const trials = [
      trial('a', 'solved', { durationMs: 3000, costUsd: 0.02 }),
      trial('b', 'solved', { durationMs: 1000 }),
      trial('c', 'unsolved', { durationMs: 2000 }),
      trial('d', 'unsolved', { error: { kind: 'timeout', message: 't' }, durationMs: 9000 }),
      trial('e', 'cancelled', { costUsd: 0.005, durationMs: null }),
      trial('f', 'pending', { costUsd: 0, durationMs: null }),
      trial('a', 'solved', { variant: 'other' }),
    ];
    const s = scoreVariant(v, trials, 1);
    expect(s).toMatchObject({ name: 'llm/low', agent: 'llm', tier: 'low', provider: null, trials: 6, attempted: 4, solved: 2, cancelled: 1, pending: 1, passRate: 0.5, cases: 4, casesSolved: 2 });
    expect(s.costUsd).toBe(0.055);
    expect(s.costPerSolvedUsd).toBe(0.0275);
    expect(s.costPerSolvedCaseUsd).toBe(0.0275);
    expect(s.failures).toEqual({ check_failed: 1, timeout: 1 });
    expect(s.wallMs).toEqual({ median: 2000, p90: 9000 });
    expect(s.usage).toEqual({ input: 600, cachedInput: 0, output: 60 });
    expect(s.passAtK).toEqual({ '1': 0.5 });
  });

  it('repeated: pass@1 and pass@3 over the cases; a case solved 2 of 3 times is flaky; nothing solved has no cost per solved', () => {
    const trials = [1, 2, 3].flatMap((r) => [trial('x', 'solved', { repeat: r }), trial('y', r === 3 ? 'unsolved' : 'solved', { repeat: r }), trial('z', 'unsolved', { repeat: r })]);
    const s = scoreVariant(v, trials, 3);
    expect(s.passAtK['1']).toBeCloseTo((1 + 2 / 3 + 0) / 3, 12);
    expect(s.passAtK['2']).toBeCloseTo((1 + 1 + 0) / 3, 12);
    expect(s.passAtK['3']).toBeCloseTo(2 / 3, 12);
    const cases = scoreCases(['x', 'y', 'z'], [v], trials);
    expect(cases.map((c) => [c.id, c.flaky, c.solvedBy, c.variants['llm/low']!.solved, c.variants['llm/low']!.attempted])).toEqual([
      ['x', false, ['llm/low'], 3, 3],
      ['y', true, ['llm/low'], 2, 3],
      ['z', false, [], 0, 3],
    ]);
    // 9 trials at $0.01, 5 solved trials of 2 cases solved
    expect([s.costUsd, s.costPerSolvedUsd, s.costPerSolvedCaseUsd]).toEqual([0.09, 0.018, 0.045]);
    expect(scoreVariant(v, [trial('z', 'unsolved')], 1)).toMatchObject({ costPerSolvedUsd: null, costPerSolvedCaseUsd: null });
  });

  it('against a baseline: two cases lost in every repeat is flagged; the same results are not; unmatched variants are named', () => {
    const base = [1, 2, 3].flatMap((r) => ['a', 'b', 'c'].map((c) => trial(c, c === 'c' && r === 2 ? 'unsolved' : 'solved', { repeat: r })));
    const worse = [1, 2, 3].flatMap((r) => ['a', 'b', 'c'].map((c) => trial(c, c === 'c' && r !== 2 ? 'solved' : 'unsolved', { repeat: r })));
    const same = base.map((t) => ({ ...t }));
    const flagged = compareToBaseline('e-base', [v, { name: 'new', agent: 'codex' }], worse, base);
    expect(flagged.variants).toEqual([{ name: 'llm/low', pairs: 9, lost: 6, gained: 0, passRate: 2 / 9, baselinePassRate: 8 / 9, pValue: 1 / 64, regressed: true }]);
    expect(flagged.unmatched).toEqual(['new']);
    expect(compareToBaseline('e-base', [v], same, base).variants[0]).toMatchObject({ lost: 0, gained: 0, pValue: 1, regressed: false });
    // a drop of two cases out of six, one trial each, is within the noise (p = 0.25)
    const six = ['1', '2', '3', '4', '5', '6'];
    const before = six.map((c) => trial(c, c === '6' ? 'unsolved' : 'solved'));
    const after = six.map((c) => trial(c, ['4', '5', '6'].includes(c) ? 'unsolved' : 'solved'));
    expect(compareToBaseline('e', [v], after, before).variants[0]).toMatchObject({ lost: 2, gained: 0, pValue: 0.25, regressed: false });
  });
});

import { describe, expect, expectTypeOf, it } from 'vitest';
import type { EvalFigures } from '@agentfleet/store';
import { parseSamples, promtool, requireBinaries, snapshot } from '@agentfleet/testkit';
import { renderMetrics } from '../src/metrics.js';
import type { EvalsSnapshot } from '../src/snapshot.js';

const evals: EvalsSnapshot = {
  evals: { running: 1, finished: 2, stopped: 0 },
  trials: { pending: 4, solved: 1, unsolved: 1, cancelled: 0 },
  totals: [
    { agent: 'llm', tier: 'low', provider: 'chain', status: 'solved', count: 3 },
    { agent: 'llm', tier: 'low', provider: 'chain', status: 'unsolved', count: 3 },
  ],
  cost: [{ agent: 'llm', tier: 'low', provider: 'chain', usd: 0.00245 }],
};

describe('eval metrics', () => {
  it("take the store's eval figures as they are", () => {
    expectTypeOf<EvalFigures>().toExtend<EvalsSnapshot>();
  });

  it('export evals and open trials by status (every status, even at 0), durable trial totals and spend by variant dimension; promtool accepts them', async () => {
    const text = await renderMetrics({ ...snapshot(), evals });
    const samples = parseSamples(text);
    expect(samples.get('agentfleet_evals{status="finished"}')).toBe(2);
    expect(samples.get('agentfleet_evals{status="stopped"}')).toBe(0);
    expect(samples.get('agentfleet_eval_trials{status="pending"}')).toBe(4);
    expect(samples.get('agentfleet_eval_trials{status="cancelled"}')).toBe(0);
    expect(samples.get('agentfleet_eval_trials_total{agent="llm",tier="low",provider="chain",status="unsolved"}')).toBe(3);
    expect(samples.get('agentfleet_eval_cost_usd_total{agent="llm",tier="low",provider="chain"}')).toBeCloseTo(0.00245);
    if (requireBinaries('promtool')) expect(promtool(['check', 'metrics'], text).code).toBe(0);
  });

  it('leave the eval families out when the source has no eval figures', async () => {
    const samples = parseSamples(await renderMetrics(snapshot()));
    expect([...samples.keys()].some((k) => k.startsWith('agentfleet_eval'))).toBe(false);
  });
});

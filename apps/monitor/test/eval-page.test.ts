// The console's eval page from a report built by core's scoring: a running eval whose variants
// are at different stages (one solved some, one nothing yet), its chart and case links.
import { describe, expect, it } from 'vitest';
import { evalReport, type EvalSummary, type EvalVariant, type TrialResult } from '@agentfleet/core';
import { evalChartSvg } from '../src/console/eval-chart-svg.js';
import { evalPage } from '../src/console/pages/eval-page.js';

const ID = 'e20261201-080000-ab12';
const trial = (n: number, caseId: string, variant: string, status: TrialResult['status'], costUsd: number): TrialResult => ({
  runId: `${ID}-${n}`, caseId, variant, repeat: 1, status, error: status === 'unsolved' ? { kind: 'timeout', message: 'timed out' } : null,
  durationMs: status === 'pending' ? null : 4000, usage: { input: 10, cachedInput: 0, output: 5 }, costUsd, attempts: 1, provider: 'lan', model: 'm',
});
const variants: EvalVariant[] = [{ name: 'llm/low', agent: 'llm', tier: 'low' }, { name: 'codex/high', agent: 'codex', tier: 'high' }];
const trials = [trial(1, 'a', 'llm/low', 'solved', 0.02), trial(2, 'a', 'codex/high', 'unsolved', 0.4), trial(3, 'b', 'llm/low', 'unsolved', 0.02), trial(4, 'b', 'codex/high', 'pending', 0)];
const summary: EvalSummary = { id: ID, name: 'backend', status: 'running', stopReason: null, createdAt: '2026-12-01T08:00:00.000Z', finishedAt: null, repeat: 1, budgetUsd: 5, costUsd: 0.44, trials: { total: 4, ended: 3, solved: 1 } };
const report = evalReport({ summary, variants, caseIds: ['a', 'b'], trials });

describe('the eval page', () => {
  it('shows each variant\'s row, progress and spend against the budget, and links every trial to its run\'s task page', () => {
    const html = evalPage(report, null);
    expect(html).toContain(`<h1>Eval <code>${ID}</code> — backend <span class="badge s-running">running</span></h1>`);
    expect(html).toContain('3/4 trials ended (2 cases × 2 variants × 1) · 1 solved · spent $0.44 of $5.00');
    expect(html).toContain('<tr data-variant="llm/low"><td>llm/low</td><td>1/2</td><td>50.0% <span class="muted">(9.5%–90.5%)</span></td>');
    expect(html).toContain('<tr data-variant="codex/high"><td>codex/high</td><td>0/1 <span class="muted">(+1 to go)</span></td>');
    expect(html).toContain('<td>timeout 1</td>');
    expect(html).toContain(`<a class="badge s-succeeded" href="/runs/${ID}-1/tasks/a" title="llm/low #1: solved">#1</a>`);
    expect(html).toContain(`<a class="badge s-running" href="/runs/${ID}-4/tasks/b" title="codex/high #1: pending">#1</a>`);
    expect(html).toContain('<tr data-case="b"><td>b</td><td>0/1 ');
  });

  it('plots the variants that solved something (pass rate against cost per solved case), names the others under the chart', () => {
    const svg = evalChartSvg(report.variants);
    expect(svg.match(/<g class="point"/g)).toHaveLength(1);
    expect(svg).toContain('<title>llm/low: 50.0% solved, $0.040 per solved case</title>');
    expect(svg).toContain('Not plotted (nothing solved yet): codex/high.');
    // the Wilson bar spans the interval: 9.5% to 90.5% of the plot's height
    const bar = /<line class="ci" x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)" y2="([\d.]+)"\/>/.exec(svg)!;
    const y = (rate: number) => 320 - 44 - rate * (320 - 16 - 44);
    expect(Number(bar[1])).toBeCloseTo(y(report.variants[0]!.interval!.high), 0);
    expect(Number(bar[2])).toBeCloseTo(y(report.variants[0]!.interval!.low), 0);
    expect(evalChartSvg([])).toContain('<svg class="eval-chart"');
  });
});

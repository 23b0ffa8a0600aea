import type { BaselineComparison, CaseScore, EvalReport, TrialResult, VariantScore } from '@agentfleet/core';
import { failuresText, msText, passAtKText, passRateText, pct, usdText } from './figures.js';

const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly (string | number)[])[]) => [row(head), row(head.map(() => '---')), ...rows.map(row)];

function variantTable(vs: readonly VariantScore[]): string[] {
  return table(
    ['variant', 'solved / attempted', 'pass rate (95% Wilson)', 'pass@k', 'wall median / p90', 'tokens in / out', 'cost', 'cost per solved', 'failures'],
    vs.map((v) => [v.name, `${v.solved}/${v.attempted}${v.pending ? ` (+${v.pending} to go)` : ''}${v.cancelled ? ` (${v.cancelled} not run)` : ''}`, passRateText(v), passAtKText(v), `${msText(v.wallMs.median)} / ${msText(v.wallMs.p90)}`, `${v.usage.input} / ${v.usage.output}`, usdText(v.costUsd), usdText(v.costPerSolvedUsd), failuresText(v.failures)]),
  );
}

function caseTable(cases: readonly CaseScore[], variants: readonly string[]): string[] {
  return table(
    ['case', ...variants, ''],
    cases.map((c) => [c.id, ...variants.map((v) => { const s = c.variants[v]!; return s.attempted ? `${s.solved}/${s.attempted}` : '-'; }), c.flaky ? `flaky (${c.flakyIn.join(', ')})` : c.solvedBy.length ? '' : 'solved by none']),
  );
}

function baselineSection(b: BaselineComparison): string[] {
  const lines = ['', `## Against eval ${b.evalId}`, '', `${b.test}; a variant is flagged when p < ${b.alpha}.`, ''];
  lines.push(...table(['variant', 'pairs', 'lost', 'gained', 'pass rate then → now', 'p', ''], b.variants.map((v) => [v.name, v.pairs, v.lost, v.gained, `${pct(v.baselinePassRate)} → ${pct(v.passRate)}`, v.pValue.toFixed(4), v.regressed ? '**regressed**' : 'within the noise'])));
  if (b.unmatched.length) lines.push('', `No variant of that name in the baseline: ${b.unmatched.join(', ')}.`);
  return lines;
}

function unsolvedSection(trials: readonly TrialResult[]): string[] {
  const failed = trials.filter((t) => t.status === 'unsolved');
  if (!failed.length) return [];
  return ['', '## Unsolved trials', '', ...failed.map((t) => `- **${t.caseId}** (${t.variant} #${t.repeat}): ${t.error ? `${t.error.kind}: ${t.error.message.split('\n')[0]!.slice(0, 200)}` : 'failed'} — \`fleet report ${t.runId}\`, \`fleet logs ${t.runId} ${t.caseId}\``)];
}

/** `fleet eval report EVAL` as markdown: the variant table, the case table, the baseline comparison, the unsolved trials. */
export function evalMarkdown(r: EvalReport): string {
  const e = r.eval;
  const head = [`# Eval ${e.id} — ${e.name} (${e.status}${e.stopReason ? `: ${e.stopReason}` : ''})`, '', `${e.trials.total} trials: ${r.cases.length} cases × ${r.variants.length} variants × ${e.repeat} · ${e.trials.ended} ended, ${e.trials.solved} solved · spent ${usdText(e.costUsd)}${e.budgetUsd !== null ? ` of ${usdText(e.budgetUsd)}` : ''} · created ${e.createdAt}${e.finishedAt ? ` · finished ${e.finishedAt}` : ''}`];
  const lines = [...head, '', '## Variants', '', ...variantTable(r.variants), '', 'Cost per solved: the variant\'s whole spend divided by the trials it solved.', '', '## Cases', '', ...caseTable(r.cases, r.variants.map((v) => v.name))];
  if (r.baseline) lines.push(...baselineSection(r.baseline));
  lines.push(...unsolvedSection(r.trials));
  return `${lines.join('\n')}\n`;
}

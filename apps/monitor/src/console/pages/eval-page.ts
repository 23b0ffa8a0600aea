import type { CaseScore, EvalReport, TrialResult, VariantScore } from '@agentfleet/core';
import { evalChartSvg } from '../eval-chart-svg.js';
import { esc, page, usd } from '../html.js';

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const seconds = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)}s`);
const TRIAL_BADGE: Record<TrialResult['status'], string> = { solved: 's-succeeded', unsolved: 's-failed', cancelled: 's-cancelled', pending: 's-running' };

function variantRow(v: VariantScore): string {
  const rate = v.passRate === null ? '-' : `${pct(v.passRate)} <span class="muted">(${pct(v.interval!.low)}–${pct(v.interval!.high)})</span>`;
  const ks = Object.entries(v.passAtK);
  const passAtK = ks.length > 1 ? ks.map(([k, p]) => `@${k} ${pct(p)}`).join(' · ') : '-';
  const failures = Object.entries(v.failures).map(([k, n]) => `${esc(k)} ${n}`).join(', ') || '-';
  const left = v.pending ? ` <span class="muted">(+${v.pending} to go)</span>` : '';
  return `<tr data-variant="${esc(v.name)}"><td>${esc(v.name)}</td><td>${v.solved}/${v.attempted}${left}</td><td>${rate}</td><td>${passAtK}</td><td>${seconds(v.wallMs.median)} / ${seconds(v.wallMs.p90)}</td>
<td>${v.usage.input} / ${v.usage.output}</td><td>${usd(v.costUsd)}</td><td>${v.costPerSolvedUsd === null ? '-' : usd(v.costPerSolvedUsd)}</td><td>${failures}</td></tr>`;
}

/** A case's cell for one variant: solved/attempted, then a link per trial to its run's task page (the transcript). */
function caseCell(c: CaseScore, variant: string): string {
  const s = c.variants[variant];
  if (!s) return '<td>-</td>';
  const links = s.runs.map((r) => `<a class="badge ${TRIAL_BADGE[r.status]}" href="/runs/${esc(r.runId)}/tasks/${esc(c.id)}" title="${esc(`${variant} #${r.repeat}: ${r.status}`)}">#${r.repeat}</a>`).join(' ');
  return `<td>${s.attempted ? `${s.solved}/${s.attempted}` : '-'} ${links}</td>`;
}

function caseRow(c: CaseScore, variants: readonly string[]): string {
  const note = c.flaky ? `<span class="badge s-parked">flaky: ${c.flakyIn.map(esc).join(', ')}</span>` : c.solvedBy.length ? '' : '<span class="muted">solved by none</span>';
  return `<tr data-case="${esc(c.id)}"><td>${esc(c.id)}</td>${variants.map((v) => caseCell(c, v)).join('')}<td>${note}</td></tr>`;
}

/** `/evals/EVAL`: the variant table, pass rate against cost per solved case, and each case's trials linking to their runs and transcripts. */
export function evalPage(r: EvalReport, csrf: string | null): string {
  const e = r.eval;
  const names = r.variants.map((v) => v.name);
  const budget = e.budgetUsd !== null ? ` of ${usd(e.budgetUsd)}` : '';
  const body = `<h1>Eval <code>${esc(e.id)}</code> — ${esc(e.name)} <span class="badge ${e.status === 'finished' ? 's-succeeded' : e.status === 'running' ? 's-running' : 's-cancelled'}">${esc(e.status)}</span></h1>
<p>${e.trials.ended}/${e.trials.total} trials ended (${r.cases.length} cases × ${r.variants.length} variants × ${e.repeat}) · ${e.trials.solved} solved · spent ${usd(e.costUsd)}${budget}${e.stopReason ? ` · stopped: ${esc(e.stopReason)}` : ''}</p>
<h2>Variants</h2><table class="variants"><thead><tr><th>variant</th><th>solved / attempted</th><th>pass rate (95% Wilson)</th><th>pass@k</th><th>wall median / p90</th><th>tokens in / out</th><th>cost</th><th>cost per solved</th><th>failures</th></tr></thead><tbody>${r.variants.map(variantRow).join('')}</tbody></table>
<h2>Pass rate against cost per solved case</h2><div class="chart-box">${evalChartSvg(r.variants)}</div>
<h2>Cases</h2><table class="cases"><thead><tr><th>case</th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}<th></th></tr></thead><tbody>${r.cases.map((c) => caseRow(c, names)).join('')}</tbody></table>
<p class="muted"><code>fleet eval report ${esc(e.id)}</code> prints this as markdown, JSON or CSV.</p>`;
  return page({ title: e.id, csrf, data: { eval: e.id, page: 'eval' } }, body);
}

import type { EvalSummary } from '@agentfleet/core';
import { ago, esc, page, usd } from '../html.js';

const BADGE: Record<string, string> = { running: 's-running', finished: 's-succeeded', stopped: 's-cancelled' };

/** `/evals`: the recent evals with their status, progress, solved trials and spend. */
export function evalsPage(evals: readonly EvalSummary[], csrf: string | null, now = Date.now()): string {
  const rows = evals.map((e) => {
    const t = e.trials;
    const budget = e.budgetUsd !== null ? ` of ${usd(e.budgetUsd)}` : '';
    return `<tr data-eval="${esc(e.id)}"><td><a href="/evals/${esc(e.id)}">${esc(e.id)}</a></td><td>${esc(e.name)}</td><td><span class="badge ${BADGE[e.status] ?? ''}">${esc(e.status)}</span>${e.stopReason ? ` <span class="muted">${esc(e.stopReason)}</span>` : ''}</td>
<td><progress class="bar" value="${t.ended}" max="${Math.max(1, t.total)}"></progress> ${t.ended}/${t.total} ended · ${t.solved} solved</td><td>${usd(e.costUsd)}${budget}</td><td>${ago(now - Date.parse(e.createdAt))}</td></tr>`;
  });
  const body = `<h1>Evals</h1>${evals.length ? `<table class="evals"><thead><tr><th>eval</th><th>suite</th><th>status</th><th>trials</th><th>spend</th><th>age</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p>No evals yet: <code>fleet eval SUITE --matrix tier=low,high</code> starts one.</p>'}`;
  return page({ title: 'evals', csrf }, body);
}

import type { RunWithCounts } from '@agentfleet/store';
import { ago, esc, page, usd } from '../html.js';

const DONE = ['succeeded', 'failed', 'skipped', 'cancelled'] as const;

/** `/`: the recent runs with their status, progress, cost and age. */
export function runsPage(runs: readonly RunWithCounts[], csrf: string | null, archived: number, now = Date.now()): string {
  const rows = runs.map((r) => {
    const done = DONE.reduce((n, s) => n + r.counts[s], 0);
    const pct = r.total ? Math.round((done / r.total) * 100) : 0;
    return `<tr data-run="${esc(r.id)}"><td><a href="/runs/${esc(r.id)}">${esc(r.id)}</a></td><td>${esc(r.name)}</td><td><span class="badge s-${esc(r.status)}">${esc(r.status)}</span></td>
<td><progress class="bar" value="${done}" max="${Math.max(1, r.total)}" title="${pct}%"></progress> ${done}/${r.total}${r.counts.failed ? ` · <span class="bad">${r.counts.failed} failed</span>` : ''}${r.counts.running ? ` · ${r.counts.running} running` : ''}</td><td>${usd(r.costUsd)}</td><td>${ago(now - Date.parse(r.createdAt))}</td></tr>`;
  });
  const body = `<h1>Runs</h1>${runs.length ? `<table class="runs"><thead><tr><th>run</th><th>name</th><th>status</th><th>progress</th><th>cost</th><th>age</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p>No runs yet: <code>fleet run PLAN</code> starts one.</p>'}
${archived ? `<p class="muted">${archived} older runs are archived (<code>fleet report RUN</code> reads them).</p>` : ''}`;
  return page({ title: 'runs', csrf }, body);
}

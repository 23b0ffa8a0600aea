import { formatDuration } from '@agentfleet/core';
import type { GraphTask, RunWithCounts } from '@agentfleet/store';
import type { DagLayout } from '../dag-layout.js';
import { dagSvg } from '../dag-svg.js';
import { actionForm, esc, page, usd } from '../html.js';
import type { RunFigures } from '../run-figures.js';

const LEGEND = ['blocked', 'queued', 'running', 'parked', 'awaiting_approval', 'succeeded', 'failed', 'skipped', 'cancelled'];

export function figuresHtml(f: RunFigures, costUsd: number): string {
  const pct = f.total ? Math.round((f.done / f.total) * 100) : 0;
  const counts = Object.entries(f.counts).filter(([, n]) => n).map(([s, n]) => `<span class="badge s-${esc(s)}">${esc(s)} ${n}</span>`).join(' ');
  return `<progress class="bar big" value="${f.done}" max="${Math.max(1, f.total)}"></progress><p><b>${f.done}/${f.total}</b> done (${pct}%) · ETA ${f.etaMs === null ? '-' : formatDuration(f.etaMs)} · cost ${usd(costUsd)}</p><p>${counts}</p>`;
}

/** `/runs/RUN`: the DAG with live statuses, progress, ETA and cost, and the run's actions. */
export function runPage(run: RunWithCounts, tasks: readonly GraphTask[], layout: DagLayout, figures: RunFigures, csrf: string | null): string {
  const critical = layout.critical.length ? `<p class="muted">critical path (by estimate): ${layout.critical.map(esc).join(' → ')}</p>` : '';
  const body = `<h1>Run <code>${esc(run.id)}</code> — ${esc(run.name)} <span class="badge s-${esc(run.status)}" id="run-status">${esc(run.status)}</span></h1>
<section class="figures" id="figures">${figuresHtml(figures, run.costUsd)}</section>
<section class="actions">${actionForm('cancel', 'Cancel run', { run: run.id }, csrf)}${actionForm('retry', 'Retry failed tasks', { run: run.id }, csrf)}</section>
<p class="legend">${LEGEND.map((s) => `<span class="badge s-${s}">${s}</span>`).join(' ')} <span class="badge crit">critical path</span></p>
${critical}<div class="dag-box">${dagSvg(run.id, tasks, layout)}</div>`;
  return page({ title: run.id, csrf, live: `/runs/${run.id}/live`, data: { run: run.id, page: 'run' } }, body);
}

import type { GraphTask } from '@agentfleet/store';
import type { DagLayout } from './dag-layout.js';
import { esc } from './html.js';

function label(id: string): string {
  return id.length > 20 ? `${id.slice(0, 19)}…` : id;
}

/**
 * The DAG as SVG: a node per task (a link to its page), coloured by status through its class
 * `s-<status>` (the page's script swaps it as statuses change), the critical path marked.
 */
export function dagSvg(runId: string, tasks: readonly GraphTask[], layout: DagLayout): string {
  const critical = new Set(layout.critical);
  const onPath = (from: string, to: string) => critical.has(from) && critical.has(to) && layout.critical.indexOf(to) === layout.critical.indexOf(from) + 1;
  const edges = layout.edges
    .map((e) => `<polyline class="edge${onPath(e.from, e.to) ? ' crit' : ''}" points="${e.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')}"/>`)
    .join('');
  const nodes = tasks
    .map((t) => {
      const b = layout.nodes.get(t.id);
      if (!b) return '';
      return `<a href="/runs/${esc(runId)}/tasks/${esc(t.id)}"><g class="node s-${t.status}${critical.has(t.id) ? ' crit' : ''}" data-task="${esc(t.id)}" transform="translate(${b.x.toFixed(1)},${b.y.toFixed(1)})"><title>${esc(`${t.id} (${t.agent}): ${t.title} — ${t.status}`)}</title><rect width="${b.width}" height="${b.height}" rx="6"/><text x="8" y="${b.height / 2 + 4}">${esc(label(t.id))}</text></g></a>`;
    })
    .join('');
  return `<svg class="dag" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}" width="${Math.ceil(layout.width)}" height="${Math.ceil(layout.height)}"><defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L8,4 L0,8 z"/></marker></defs><g class="edges">${edges}</g><g class="nodes">${nodes}</g></svg>`;
}

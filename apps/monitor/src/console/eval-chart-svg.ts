import type { VariantScore } from '@agentfleet/core';
import { esc } from './html.js';

const W = 640;
const H = 320;
const PAD = { left: 56, right: 24, top: 16, bottom: 44 };

/** A round axis maximum above `max`: 1, 2 or 5 times a power of ten. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((m) => m * p >= max) ?? 10) * p;
}

const money = (usd: number) => `$${usd >= 1 ? usd.toFixed(2) : usd.toPrecision(2)}`;

/**
 * Pass rate against cost per solved case, one point per variant with its 95% Wilson interval as
 * a vertical bar: the cheap and good variants sit top left. Variants that solved nothing have no
 * cost per solved case; they are named under the chart instead.
 */
export function evalChartSvg(variants: readonly VariantScore[]): string {
  const plotted = variants.filter((v) => v.costPerSolvedUsd !== null && v.passRate !== null);
  const xMax = niceMax(Math.max(0, ...plotted.map((v) => v.costPerSolvedUsd!)) * 1.1);
  const x = (usd: number) => PAD.left + (usd / xMax) * (W - PAD.left - PAD.right);
  const y = (rate: number) => H - PAD.bottom - rate * (H - PAD.top - PAD.bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((r) => `<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(r)}" y2="${y(r)}"/><text class="tick" x="${PAD.left - 6}" y="${y(r) + 4}" text-anchor="end">${r * 100}%</text>`)
    .join('');
  const xTicks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<text class="tick" x="${x(f * xMax).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${f ? money(f * xMax) : '$0'}</text>`)
    .join('');
  const points = plotted
    .map((v) => {
      const cx = x(v.costPerSolvedUsd!).toFixed(1);
      const bar = v.interval ? `<line class="ci" x1="${cx}" x2="${cx}" y1="${y(v.interval.high).toFixed(1)}" y2="${y(v.interval.low).toFixed(1)}"/>` : '';
      const cy = y(v.passRate!).toFixed(1);
      const title = `${v.name}: ${(v.passRate! * 100).toFixed(1)}% solved, ${money(v.costPerSolvedUsd!)} per solved case`;
      return `<g class="point" data-variant="${esc(v.name)}"><title>${esc(title)}</title>${bar}<circle cx="${cx}" cy="${cy}" r="5"/><text class="label" x="${Number(cx) + 8}" y="${Number(cy) - 6}">${esc(v.name)}</text></g>`;
    })
    .join('');
  const axes = `<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}"/><line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${H - PAD.bottom}"/>`;
  const names = `<text class="name" x="${(W + PAD.left) / 2}" y="${H - 8}" text-anchor="middle">cost per solved case</text><text class="name" transform="translate(14 ${(H - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">pass rate (95% Wilson)</text>`;
  const unplotted = variants.filter((v) => !plotted.includes(v)).map((v) => esc(v.name));
  const note = unplotted.length ? `<p class="muted">Not plotted (nothing solved yet): ${unplotted.join(', ')}.</p>` : '';
  return `<svg class="eval-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="pass rate against cost per solved case">${grid}${xTicks}${axes}${names}${points}</svg>${note}`;
}

import { formatDuration, type VariantScore } from '@agentfleet/core';
import { money } from '../../report/progress.js';

/** 0.5 -> "50.0%". */
export const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

export function passRateText(v: VariantScore): string {
  if (v.passRate === null) return '-';
  return `${pct(v.passRate)} (${pct(v.interval!.low)}–${pct(v.interval!.high)})`;
}

/** "@1 66.7% · @3 100.0%"; empty when no case was attempted more than once. */
export function passAtKText(v: VariantScore): string {
  const ks = Object.keys(v.passAtK);
  return ks.length > 1 ? ks.map((k) => `@${k} ${pct(v.passAtK[k]!)}`).join(' · ') : '-';
}

export const msText = (ms: number | null): string => (ms === null ? '-' : ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : formatDuration(ms));

export const usdText = (usd: number | null): string => (usd === null ? '-' : money(usd));

export function failuresText(f: Record<string, number>): string {
  const kinds = Object.entries(f).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return kinds.length ? kinds.map(([k, n]) => `${k} ${n}`).join(', ') : '-';
}

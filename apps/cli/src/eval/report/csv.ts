import type { EvalReport } from '@agentfleet/core';

const FIELDS = ['variant', 'agent', 'tier', 'provider', 'trials', 'attempted', 'solved', 'pass_rate', 'ci_low', 'ci_high', 'median_wall_ms', 'p90_wall_ms', 'tokens_in', 'tokens_cached_in', 'tokens_out', 'cost_usd', 'cost_per_solved_usd', 'cost_per_solved_case_usd', 'failures'];

function cell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** `fleet eval report EVAL --format csv`: one row per variant (pass@k as pass_at_K columns, K = 1..repeat). */
export function evalCsv(r: EvalReport): string {
  const ks = Array.from({ length: r.eval.repeat }, (_, i) => String(i + 1));
  const head = [...FIELDS.slice(0, 10), ...ks.map((k) => `pass_at_${k}`), ...FIELDS.slice(10)];
  const rows = r.variants.map((v) => [
    v.name, v.agent, v.tier, v.provider, v.trials, v.attempted, v.solved, v.passRate, v.interval?.low ?? null, v.interval?.high ?? null,
    ...ks.map((k) => v.passAtK[k] ?? null),
    v.wallMs.median, v.wallMs.p90, v.usage.input, v.usage.cachedInput, v.usage.output, v.costUsd, v.costPerSolvedUsd, v.costPerSolvedCaseUsd,
    Object.entries(v.failures).map(([k, n]) => `${k}:${n}`).join(';'),
  ]);
  return `${[head, ...rows].map((r) => r.map(cell).join(',')).join('\n')}\n`;
}

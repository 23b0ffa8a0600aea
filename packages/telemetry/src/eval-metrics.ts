// Eval progress as metrics: evals by status, the trials of unsettled evals by status, and the
// durable totals of recorded trials and their spend. Labels stay bounded: agent kinds, tiers,
// the providers of fleet.yaml and statuses; never an eval, run or case id.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { MetricsSnapshot } from './snapshot.js';

/** Eval and trial states shown even when empty, so dashboards see a steady set of series. */
const EVAL_STATES = ['running', 'finished', 'stopped'] as const;
const TRIAL_STATES = ['pending', 'solved', 'unsolved', 'cancelled'] as const;

export function addEvalMetrics(snap: MetricsSnapshot, registers: Registry[]): void {
  const e = snap.evals;
  if (!e) return;
  const evals = new Gauge({ name: 'agentfleet_evals', help: 'Evals kept in Redis, by status (running, finished, stopped).', labelNames: ['status'], registers });
  for (const s of EVAL_STATES) evals.set({ status: s }, e.evals[s] ?? 0);
  const open = new Gauge({ name: 'agentfleet_eval_trials', help: 'Trials of the evals still running, by status (pending: not ended or not launched yet).', labelNames: ['status'], registers });
  for (const s of TRIAL_STATES) open.set({ status: s }, e.trials[s] ?? 0);
  const totals = new Counter({ name: 'agentfleet_eval_trials_total', help: 'Eval trials recorded, by variant dimension and outcome (tier auto: not forced; provider chain: not limited).', labelNames: ['agent', 'tier', 'provider', 'status'], registers });
  for (const t of e.totals) totals.inc({ agent: t.agent, tier: t.tier, provider: t.provider, status: t.status }, t.count);
  const cost = new Counter({ name: 'agentfleet_eval_cost_usd_total', help: 'USD spent by recorded eval trials, by variant dimension.', labelNames: ['agent', 'tier', 'provider'], registers });
  for (const c of e.cost) cost.inc({ agent: c.agent, tier: c.tier, provider: c.provider }, c.usd);
}

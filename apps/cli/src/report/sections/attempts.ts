import type { RunReport } from '@agentfleet/store';
import { cell, usd } from '../format.js';

/**
 * Every attempt that did not end its task by succeeding (retried, failed, stalled, parked,
 * cancelled, lost), with what it spent: the tasks table shows totals over all of them.
 */
export function attemptsSection(r: RunReport): string[] {
  const rows: string[] = [];
  for (const t of r.tasks) {
    for (const a of t.history) {
      if (a.status === 'succeeded') continue;
      const tokens = a.usage.input + a.usage.output > 0 ? `${a.usage.input}/${a.usage.output} tokens` : 'no tokens';
      const why = a.error ? `, ${a.error.kind}: ${cell(a.error.message, 160)}` : a.wait ? `, ${a.wait.kind}` : '';
      rows.push(`- **${t.id}** attempt ${a.attempt} on ${a.worker} ${a.status}${why} — ${tokens}, ${usd(a.costUsd)}${a.model ? ` (${a.model})` : ''}`);
    }
  }
  if (!rows.length) return [];
  return ['', '## Attempts that did not succeed', '', ...rows];
}

import type { RunReport } from '@agentfleet/store';
import { cell } from '../format.js';

/** Decisions on approval gates: who decided, when and why (gates still waiting are under Waiting). */
export function approvalsSection(r: RunReport): string[] {
  const decided = r.tasks.filter((t) => t.approval);
  if (!decided.length) return [];
  const lines = ['', '## Approvals', ''];
  for (const t of decided) {
    const a = t.approval!;
    lines.push(`- **${t.id}** ${a.decision === 'approve' ? 'approved' : 'rejected'} by ${a.timedOut ? 'its timeout' : a.by} at ${a.at}${a.note ? `: ${cell(a.note)}` : ''}`);
  }
  return lines;
}

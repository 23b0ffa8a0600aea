import type { RunReport } from '@agentfleet/store';
import { cell } from '../format.js';

/** Approval gates: who decided, when and why; what still waits. */
export function approvalsSection(r: RunReport): string[] {
  const gates = r.tasks.filter((t) => t.approval || t.status === 'awaiting_approval');
  if (!gates.length) return [];
  const lines = ['', '## Approvals', ''];
  for (const t of gates) {
    const a = t.approval;
    if (!a) lines.push(`- **${t.id}** awaits approval${t.branch ? ` (${t.branch})` : ''}: fleet approve|reject ${r.run.id} ${t.id}`);
    else lines.push(`- **${t.id}** ${a.decision === 'approve' ? 'approved' : 'rejected'} by ${a.timedOut ? 'its timeout' : a.by} at ${a.at}${a.note ? `: ${cell(a.note)}` : ''}`);
  }
  return lines;
}

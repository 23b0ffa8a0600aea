import type { RunReport } from '@agentfleet/store';
import { cell } from '../format.js';

/** Why each task that did not succeed ended as it did. */
export function problemsSection(r: RunReport): string[] {
  // handled failures and false conditions are the flow section's: they are the plan working
  const problems = r.tasks.filter((t) => t.error && t.status !== 'succeeded' && !t.handled && t.skipReason !== 'condition');
  if (!problems.length) return [];
  return ['', '## Problems', '', ...problems.map((t) => `- **${t.id}** (${t.status}, ${t.error!.kind}): ${cell(t.error!.message)}`)];
}

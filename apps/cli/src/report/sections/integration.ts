import type { RunReport } from '@agentfleet/store';

/** `--integrate BRANCH`: what was merged, what was left out. */
export function integrationSection(r: RunReport): string[] {
  const i = r.integration;
  if (!i) return [];
  const lines = ['', '## Integration', '', i.error ? `- ${i.branch}: failed: ${i.error}` : `- ${i.branch} @ ${i.commit?.slice(0, 12) ?? '-'}: merged ${i.merged.join(', ') || 'nothing'}`];
  for (const c of i.conflicts) lines.push(`- conflict: ${c.taskId} (${c.paths.join(', ')}) left out`);
  return lines;
}

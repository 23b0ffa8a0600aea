import type { RunReport } from '@agentfleet/store';
import { cell } from '../format.js';

/** Why each task that did not succeed ended as it did. */
export function problemsSection(r: RunReport): string[] {
  const problems = r.tasks.filter((t) => t.error && t.status !== 'succeeded');
  if (!problems.length) return [];
  return ['', '## Problems', '', ...problems.map((t) => `- **${t.id}** (${t.status}, ${t.error!.kind}): ${cell(t.error!.message)}`)];
}

import type { RunReport } from '@agentfleet/store';
import { formatList as listed } from '../../output.js';

/** Plans that grew: which task's fragment added which tasks. */
export function growthSection(r: RunReport): string[] {
  const grown = r.tasks.filter((t) => t.expanded);
  if (!grown.length) return [];
  const lines = ['', '## Plan growth', ''];
  for (const t of grown) {
    const added = r.tasks.filter((x) => x.id.startsWith(`${t.id}-`) && x.id !== t.id).map((x) => x.id);
    lines.push(`- **${t.id}** added ${t.expanded} tasks: ${listed(added, 30)}`);
  }
  return lines;
}

import type { RunReport } from '@agentfleet/store';

/** The built-in review's verdicts, round by round. */
export function reviewsSection(r: RunReport): string[] {
  const reviewed = r.tasks.filter((t) => t.review?.length);
  if (!reviewed.length) return [];
  const lines = ['', '## Reviews', ''];
  for (const t of reviewed) {
    for (const v of t.review!) lines.push(`- **${t.id}** round ${v.round}: ${v.verdict}${v.issues.length ? ` — ${v.issues.map((i) => `${i.severity} ${i.file ?? ''}: ${i.note}`).join('; ')}` : ''}`);
  }
  return lines;
}

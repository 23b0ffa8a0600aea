import type { RunReport } from '@agentfleet/store';

const SHOWN_LINES = 3;

/** Each task's final message, its first lines (the whole message: `fleet report --format json`, `fleet logs RUN TASK`). */
export function messagesSection(r: RunReport): string[] {
  const said = r.tasks.filter((t) => t.summary?.trim());
  if (!said.length) return [];
  const lines = ['', '## Final messages', ''];
  for (const t of said) {
    const text = t.summary!.trim().split('\n').filter((l) => l.trim());
    lines.push(`- **${t.id}**: ${text[0]!.trim()}`);
    for (const more of text.slice(1, SHOWN_LINES)) lines.push(`  ${more.trim()}`);
    if (text.length > SHOWN_LINES) lines.push(`  … (${text.length - SHOWN_LINES} more lines)`);
  }
  return lines;
}

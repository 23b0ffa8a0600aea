import type { RunReport } from '@agentfleet/store';
import { formatList as listed } from '../../output.js';
import { cell } from '../format.js';

/** Conditional paths: failures an `after: any` dependent handled, tasks whose condition was false. */
export function flowSection(r: RunReport): string[] {
  const handled = r.tasks.filter((t) => t.status === 'failed' && t.handled);
  const skipped = r.tasks.filter((t) => t.status === 'skipped' && t.skipReason === 'condition');
  if (!handled.length && !skipped.length) return [];
  const lines = ['', '## Conditional paths', ''];
  for (const t of handled) {
    const by = r.tasks.filter((d) => d.anyDeps.includes(t.id) && (d.status === 'succeeded' || d.status === 'failed')).map((d) => d.id);
    lines.push(`- **${t.id}** failed (${t.error?.kind ?? 'error'}), handled by ${listed(by) || 'its after: any dependents'}: ${cell(t.error?.message ?? '')}`);
  }
  for (const t of skipped) lines.push(`- **${t.id}** skipped: ${cell(t.error?.message ?? 'condition false')}`);
  return lines;
}

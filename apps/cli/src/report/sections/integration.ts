import type { MergeQueueEntry, RunReport } from '@agentfleet/store';
import { cell } from '../format.js';
import { tailLine } from './tail-line.js';

function entryLine(e: MergeQueueEntry, i: number): string {
  const paths = e.paths?.length ? ` (${e.paths.join(', ')})` : '';
  const note = e.note ? `: ${cell(e.note, 200)}` : '';
  switch (e.outcome) {
    case 'merged':
      return `${i + 1}. ${e.taskId}: ${e.noop ? 'merged (already contained: no-op)' : 'merged'}`;
    case 'resolved':
      return `${i + 1}. ${e.taskId}: resolved by agent${paths}`;
    case 'conflict':
      return `${i + 1}. ${e.taskId}: conflict${paths}, left out${note}`;
    case 'check_failed':
      return `${i + 1}. ${e.taskId}: check failed: \`${cell(e.check ?? '', 120)}\` exit ${e.exitCode ?? '?'}${tailLine(e.outputTail)}${paths ? `, after resolving${paths}` : ''}, left out`;
  }
}

/** The merge queue (`integrate`): each result in the order it was taken, and what became of it. */
export function integrationSection(r: RunReport): string[] {
  const i = r.integration;
  if (!i) return [];
  const lines = ['', '## Merge queue', '', i.error ? `- ${i.branch}: failed: ${i.error}` : `- ${i.branch} @ ${i.commit?.slice(0, 12) ?? '-'}: merged ${i.merged.join(', ') || 'nothing'}`];
  if (i.results?.length) return [...lines, '', ...i.results.map(entryLine)];
  for (const c of i.conflicts) lines.push(`- conflict: ${c.taskId} (${c.paths.join(', ')}) left out`);
  return lines;
}

import type { RunReport } from '@agentfleet/store';
import { dur, usd } from '../format.js';

/** The heading: what run, its state, when, and the totals. */
export function summarySection({ run, totals }: RunReport): string[] {
  return [
    `# Run ${run.id} — ${run.name}`,
    '',
    `Status: **${run.status}** · schedule ${run.schedule} · base ${run.baseCommit?.slice(0, 12) ?? '-'}`,
    `Created ${run.createdAt} · started ${run.startedAt ?? '-'} · finished ${run.finishedAt ?? '-'} · took ${dur(totals.durationMs)}`,
    '',
    `Tasks: ${totals.tasks} · succeeded ${totals.succeeded} · failed ${totals.failed} · skipped ${totals.skipped} · cancelled ${totals.cancelled} · cost ${usd(totals.costUsd)}`,
  ];
}

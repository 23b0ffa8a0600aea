import { formatDuration } from '@agentfleet/core';
import type { RunReport, RunWithCounts } from '@agentfleet/store';
import { formatTable } from './output.js';

const usd = (n: number) => (n > 0 ? `$${n.toFixed(n < 0.01 ? 4 : 2)}` : '-');
const dur = (ms: number | null) => (ms === null ? '-' : formatDuration(ms));

/** `fleet report RUN` in Markdown: what passed, what failed, what it cost, where the work is. */
export function reportMarkdown(r: RunReport): string {
  const { run, totals } = r;
  const lines = [
    `# Run ${run.id} — ${run.name}`,
    '',
    `Status: **${run.status}** · schedule ${run.schedule} · base ${run.baseCommit?.slice(0, 12) ?? '-'}`,
    `Created ${run.createdAt} · started ${run.startedAt ?? '-'} · finished ${run.finishedAt ?? '-'} · took ${dur(totals.durationMs)}`,
    '',
    `Tasks: ${totals.tasks} · succeeded ${totals.succeeded} · failed ${totals.failed} · skipped ${totals.skipped} · cancelled ${totals.cancelled} · cost ${usd(totals.costUsd)}`,
    '',
    '| task | status | host | attempts | duration | wait | branch | diff | model | tokens in/out | cost |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const t of r.tasks) {
    const diff = t.diff ? `${t.diff.files} files +${t.diff.insertions} -${t.diff.deletions}` : '-';
    const tokens = t.usage.input + t.usage.output > 0 ? `${t.usage.input}/${t.usage.output}` : '-';
    lines.push(`| ${t.id} | ${t.status} | ${t.worker ?? t.host ?? '-'} | ${t.attempts} | ${dur(t.durationMs)} | ${dur(t.waitMs)} | ${t.branch ?? '-'} | ${diff} | ${t.model ?? '-'} | ${tokens} | ${usd(t.costUsd)} |`);
  }
  const problems = r.tasks.filter((t) => t.error && t.status !== 'succeeded');
  if (problems.length) {
    lines.push('', '## Problems', '');
    for (const t of problems) lines.push(`- **${t.id}** (${t.status}, ${t.error!.kind}): ${t.error!.message.replaceAll('\n', ' ').slice(0, 400)}`);
  }
  const reviewed = r.tasks.filter((t) => t.review?.length);
  if (reviewed.length) {
    lines.push('', '## Reviews', '');
    for (const t of reviewed) {
      for (const v of t.review!) lines.push(`- **${t.id}** round ${v.round}: ${v.verdict}${v.issues.length ? ` — ${v.issues.map((i) => `${i.severity} ${i.file ?? ''}: ${i.note}`).join('; ')}` : ''}`);
    }
  }
  if (r.integration) {
    const i = r.integration;
    lines.push('', '## Integration', '', i.error ? `- ${i.branch}: failed: ${i.error}` : `- ${i.branch} @ ${i.commit?.slice(0, 12) ?? '-'}: merged ${i.merged.join(', ') || 'nothing'}`);
    for (const c of i.conflicts) lines.push(`- conflict: ${c.taskId} (${c.paths.join(', ')}) left out`);
  }
  const branches = r.tasks.filter((t) => t.branch && t.status === 'succeeded');
  if (branches.length) {
    lines.push('', '## Branches', '');
    for (const t of branches) lines.push(`- ${t.branch} @ ${t.commit?.slice(0, 12) ?? '-'}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One line of run progress: a bar and the counts by status. */
export function progressLine(run: RunWithCounts, width = 30): string {
  const c = run.counts;
  const done = c.succeeded + c.failed + c.skipped + c.cancelled;
  const filled = run.total ? Math.round((done / run.total) * width) : 0;
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  return `${bar} ${done}/${run.total} ${run.status} · ok ${c.succeeded} · failed ${c.failed} · skipped ${c.skipped} · cancelled ${c.cancelled} · running ${c.running} · queued ${c.queued + c.ready} · blocked ${c.blocked}`;
}

export function statusLines(run: RunWithCounts): string[] {
  return formatTable([
    ['run', run.id],
    ['name', run.name],
    ['status', run.status],
    ['schedule', run.schedule],
    ['base', run.baseCommit ?? '-'],
    ['created', run.createdAt],
    ['started', run.startedAt ?? '-'],
    ['finished', run.finishedAt ?? '-'],
    ['progress', progressLine(run)],
  ]);
}

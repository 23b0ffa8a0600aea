import type { RunReport } from '@agentfleet/store';
import { dur, usd } from '../format.js';

/** One row per task: where it ran, how long, what it changed, what it cost (totals over its attempts). */
export function tasksSection(r: RunReport): string[] {
  const lines = ['', '| task | status | host | attempts | duration | wait | branch | diff | model | tokens in/out | cost |', '|---|---|---|---|---|---|---|---|---|---|---|'];
  for (const t of r.tasks) {
    const diff = t.diff ? `${t.diff.files} files +${t.diff.insertions} -${t.diff.deletions}` : '-';
    const tokens = t.usage.input + t.usage.output > 0 ? `${t.usage.input}/${t.usage.output}` : '-';
    lines.push(`| ${t.id} | ${t.status} | ${t.worker ?? t.host ?? '-'} | ${t.attempts} | ${dur(t.durationMs)} | ${dur(t.waitMs)} | ${t.branch ?? '-'} | ${diff} | ${t.model ?? '-'} | ${tokens} | ${usd(t.costUsd)} |`);
  }
  return lines;
}

import type { AttemptHistoryEntry, RunReport } from '@agentfleet/store';
import { cell, dur } from '../format.js';

/** Short steps read better to the tenth of a second. */
const secs = (ms: number | null | undefined) => (ms !== null && ms !== undefined && ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : dur(ms));

function setupLine(h: AttemptHistoryEntry): string | undefined {
  if (!h.setup) return undefined;
  return h.setup === 'ran' ? `setup ran (${secs(h.setupMs)})` : `setup reused (${secs(h.setupMs)})`;
}

/** Each check run of an attempt, by round: which check, its exit code, how long. */
function roundLines(h: AttemptHistoryEntry): string[] {
  const byRound = new Map<number, AttemptHistoryEntry['rounds']>();
  for (const r of h.rounds) byRound.set(r.round, [...(byRound.get(r.round) ?? []), r]);
  return [...byRound].map(([round, runs]) => `round ${round}: ${runs.map((r) => `\`${cell(r.check, 120)}\` exit ${r.exitCode} (${secs(r.durationMs)})`).join(', ')}`);
}

/** Per task and attempt: whether the workspace setup ran or was reused, and every round of its checks. */
export function verificationSection(r: RunReport): string[] {
  const lines: string[] = [];
  for (const t of r.tasks) {
    for (const h of t.history ?? []) {
      const parts = [setupLine(h), ...roundLines(h)].filter((x): x is string => Boolean(x));
      if (!parts.length) continue;
      const attempt = (t.history?.length ?? 0) > 1 ? ` (attempt ${h.attempt})` : '';
      lines.push(`- **${t.id}**${attempt}: ${parts.join('; ')}`);
    }
  }
  return lines.length ? ['', '## Setup and checks', '', ...lines] : [];
}

// The WAITING section of `fleet top`: tasks that hold no slot while they wait, and for whom.
import type { RunSnapshot, WaitSnapshot } from '@agentfleet/telemetry';
import { formatDuration } from './format.js';

/** One line per waiting task: gates say what they ask and how to decide; parked tasks until when. Empty without waits. */
export function waitSection(waits: readonly WaitSnapshot[], runs: readonly RunSnapshot[], now: number): string[] {
  if (waits.length === 0) return [];
  const names = new Map(runs.map((r) => [r.id, r.name]));
  const out = ['', 'WAITING'];
  for (const w of waits) {
    const since = w.since !== null ? `${formatDuration(now - w.since)} ` : '';
    const where = `${w.taskId} (run ${names.get(w.runId) ?? w.runId})`;
    if (w.status === 'awaiting_approval') {
      const timeout = w.until !== null ? `, timeout in ${formatDuration(Math.max(0, w.until - now))}` : '';
      out.push(`  ${since}${where}  awaits approval: ${w.reason || 'approve?'}${timeout}  ->  fleet approve|reject ${w.runId} ${w.taskId}`);
    } else {
      const until = w.until !== null ? ` for ${formatDuration(Math.max(0, w.until - now))}` : ' until woken';
      out.push(`  ${since}${where}  parked (${w.kind})${until}${w.reason ? `: ${w.reason}` : ''}`);
    }
  }
  return out;
}

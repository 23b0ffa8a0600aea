import type { PermitStatus, ProviderPause } from '@agentfleet/store';

export interface ProviderStates {
  pauses: readonly ProviderPause[];
  permits: readonly PermitStatus[];
}

function at(ms: number, now: number): string {
  return `${new Date(ms).toISOString()} (in ${Math.max(0, Math.ceil((ms - now) / 1000))} s)`;
}

/**
 * What waits on which provider: pauses (429, usage limits) until their reset, and capped
 * endpoints with their permits in use and who waits for one. Optionally only what concerns one run.
 */
export function providerLines(states: ProviderStates, now = Date.now(), runId?: string): string[] {
  const lines = states.pauses.map((p) => `${p.provider}: paused until ${at(p.until, now)}${p.reason ? ` — ${p.reason}` : ''}`);
  for (const p of states.permits) {
    const waiters = runId ? p.waiters.filter((w) => w.runId === runId) : p.waiters;
    if (runId && waiters.length === 0) continue;
    const who = waiters.slice(0, 8).map((w) => (runId ? w.taskId : `${w.runId}/${w.taskId}`)).join(', ');
    lines.push(`${p.provider}: ${p.inUse}/${p.limit} permits in use, ${p.waiting} waiting${who ? ` (${who}${waiters.length > 8 ? ', …' : ''})` : ''}`);
  }
  return lines;
}

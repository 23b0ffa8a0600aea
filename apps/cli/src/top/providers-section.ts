// The PROVIDERS lines of `fleet top`: what waits on which provider until when.
import { formatDuration } from './format.js';

/** Provider pauses and permits as the store reports them (structurally: FleetFigures.providerStates). */
export interface ProviderSnapshot {
  pauses: readonly { provider: string; until: number; reason: string }[];
  permits: readonly { provider: string; limit: number; inUse: number; waiting: number }[];
}

export function providerSection(p: ProviderSnapshot | undefined, now: number): string[] {
  if (!p || (p.pauses.length === 0 && p.permits.length === 0)) return [];
  const out = ['PROVIDERS'];
  for (const x of p.pauses) out.push(`  ${x.provider}  paused ${formatDuration(Math.max(0, x.until - now))} more (until ${new Date(x.until).toISOString().slice(11, 19)}Z)${x.reason ? `  ${x.reason}` : ''}`);
  for (const x of p.permits) out.push(`  ${x.provider}  permits ${x.inUse}/${x.limit} in use${x.waiting ? `, ${x.waiting} waiting` : ''}`);
  return out;
}

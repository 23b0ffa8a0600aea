// What `fleet hosts` and `fleet up` say of a host's sandbox, from its daemon's heartbeat: only
// when there is something to say (it cannot sandbox, or it runs its tasks unconfined).
import type { FleetStore, HostSandboxStatus } from '@agentfleet/store';

export function sandboxNotice(s: HostSandboxStatus | null | undefined): string | null {
  if (!s) return null;
  if (s.mode === 'bwrap' && !s.ok) return `cannot sandbox (${s.reason ?? 'bwrap failed'}): it takes only sandbox: none tasks`;
  return s.mode === 'none' ? 'sandbox: none: its tasks run unconfined' : null;
}

/** The host's sandbox as its heartbeat says it (null before the first heartbeat). */
export async function hostSandboxStatus(store: FleetStore, host: string): Promise<HostSandboxStatus | null> {
  return (await store.hosts.list()).find((h) => h.name === host)?.sandbox ?? null;
}

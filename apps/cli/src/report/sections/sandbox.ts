import type { AttemptHistoryEntry, RunReport } from '@agentfleet/store';

/** What the attempt's processes ran in, in a few words: `bwrap, network none, NPM_TOKEN`. */
function confinementOf(h: AttemptHistoryEntry): string {
  const parts = [h.sandbox === 'none' ? 'none (unconfined)' : `bwrap, network ${h.network ?? 'full'}`];
  parts.push(h.env?.length ? `variables ${h.env.join(', ')}` : 'no named variables');
  if (h.envMissing?.length) parts.push(`not forwarded by ${h.host}: ${h.envMissing.join(', ')}`);
  return parts.join('; ');
}

/**
 * Per task: the sandbox and network its processes ran with and the names of the host's
 * variables it received (never their values), from its last attempt that got that far.
 */
export function sandboxSection(r: RunReport): string[] {
  const rows = r.tasks.flatMap((t) => {
    const h = [...(t.history ?? [])].reverse().find((x) => x.sandbox);
    return h ? [{ id: t.id, text: confinementOf(h) }] : [];
  });
  if (!rows.length) return [];
  return ['', '## Sandbox', '', ...rows.map((x) => `- **${x.id}**: ${x.text}`)];
}

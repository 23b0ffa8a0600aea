import type { RunReport } from '@agentfleet/store';
import { cell } from '../format.js';

/** What the run's tasks wait for now (a usage limit, a provider pause, the budget, an approval) and until when. */
export function waitsSection(r: RunReport): string[] {
  const waiting = r.tasks.filter((t) => t.wait);
  if (!waiting.length) return [];
  const until = (ms: number | null) => (ms === null ? 'until woken' : `until ${new Date(ms).toISOString()}`);
  return ['', '## Waiting', '', ...waiting.map((t) => `- **${t.id}** (${t.status}, ${t.wait!.kind}) ${until(t.wait!.until)}${t.wait!.reason ? `: ${cell(t.wait!.reason)}` : ''}`)];
}

import type { RunReport } from '@agentfleet/store';
import { cell } from '../format.js';

/** What tasks wrote to $AGENTFLEET_OUTPUTS. */
export function outputsSection(r: RunReport): string[] {
  const withOutputs = r.tasks.filter((t) => t.outputs && Object.keys(t.outputs).length);
  if (!withOutputs.length) return [];
  return ['', '## Outputs', '', ...withOutputs.map((t) => `- **${t.id}**: \`${cell(JSON.stringify(t.outputs), 600).replaceAll('`', "'")}\``)];
}

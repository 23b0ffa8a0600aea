import type { RunReport } from '@agentfleet/store';

/** Where the work is: the result branch of every task that succeeded. */
export function branchesSection(r: RunReport): string[] {
  const branches = r.tasks.filter((t) => t.branch && t.status === 'succeeded');
  if (!branches.length) return [];
  return ['', '## Branches', '', ...branches.map((t) => `- ${t.branch} @ ${t.commit?.slice(0, 12) ?? '-'}`)];
}

import type { TaskSpec } from '@agentfleet/core';

/** A wide random DAG of noop tasks: each depends on up to 2 of the 200 tasks before it. */
export function randomDagTasks(n: number, seed = 7): TaskSpec[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, (_, i) => {
    const deps = new Set<string>();
    if (i >= 50) for (let k = 0, m = Math.floor(rnd() * 3); k < m; k++) deps.add(`t${i - 1 - Math.floor(rnd() * Math.min(i, 200))}`);
    return { id: `t${i}`, title: `t${i}`, agent: 'noop', deps: [...deps], complexity: 'low', risk: [], estimateMs: 1, timeoutMs: 60_000, stallTimeoutMs: 60_000, retries: 0, labels: [], inherit: true };
  });
}

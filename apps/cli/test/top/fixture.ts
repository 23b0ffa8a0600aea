// A `fleet top` snapshot from the shared fleet fixture (store types, plain objects).
import { hosts, NOW, runs } from '@agentfleet/testkit';
import type { TopSnapshot } from '../../src/top/render.js';
import type { TopSource } from '../../src/top/loop.js';

export { NOW };

export function topSnapshot(): TopSnapshot {
  return {
    hosts: hosts(),
    runs: runs().filter((r) => r.status === 'running' || r.status === 'queued'),
    failures: [
      { runId: '01JXRUNAAAAAAAAAAAAAAAAAAA', taskId: 'lint', kind: 'exit_code', message: 'npm run lint exited with code 1\n  src/a.ts:3 no-unused-vars', finishedAt: new Date(NOW - 90_000).toISOString() },
    ],
    error: null,
  };
}

export function topSource(snap: TopSnapshot = topSnapshot()): TopSource & { calls: number; failNext: boolean } {
  const src = {
    calls: 0,
    failNext: false,
    listHosts: () => {
      src.calls++;
      if (src.failNext) {
        src.failNext = false;
        return Promise.reject(new Error('Connection is closed.'));
      }
      return Promise.resolve(snap.hosts);
    },
    listRuns: () => Promise.resolve(snap.runs),
    recentFailures: (limit: number) => Promise.resolve(snap.failures.slice(0, limit)),
  };
  return src;
}

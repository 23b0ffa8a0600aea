// The reduced chaos run (the full one: scripts/chaos/main.ts, 500 tasks). Two sshd test hosts,
// one in a network namespace; workers SIGKILLed every few seconds, a host daemon SIGKILLed and
// brought back, Redis killed and restarted (AOF), the namespaced host cut off past the
// heartbeat TTL. Afterwards: the run completed, every branch holds exactly its expected files,
// nothing was recorded twice, and the report, Redis and the monitor agree.
import { describe, expect, it } from 'vitest';
import { canRunTestHosts, ensureBuilt, requireBinaries } from '@agentfleet/testkit';
import { runChaos } from '../scripts/chaos/chaos-run.js';

const enabled = canRunTestHosts() && requireBinaries('redis-server', 'git', 'ip');

describe.runIf(enabled)('chaos (reduced)', () => {
  it('60 tasks survive killed workers, a killed daemon, a Redis restart and a partition; nothing lost, nothing twice', async () => {
    await ensureBuilt();
    const result = await runChaos({ tasks: 60, slotsPerHost: 3, sleep: [0.3, 1.2], workerKillEveryMs: 2500, firstIp: 95, netnsOctet: 225, userPrefix: 'afct' });
    expect(result.problems, result.events.join('\n')).toEqual([]);
    expect(result.report.run.status).toBe('succeeded');
    expect(result.report.totals).toMatchObject({ tasks: 60, succeeded: 60, failed: 0, skipped: 0, cancelled: 0 });
    expect(result.workersKilled).toBeGreaterThan(0);
    expect(result.events.some((e) => e.includes('Redis SIGKILLed and restarted'))).toBe(true);
    expect(result.events.some((e) => e.includes('islet reported down'))).toBe(true);
    expect(result.events.some((e) => e.includes('islet re-registered'))).toBe(true);
  }, 600_000);
});

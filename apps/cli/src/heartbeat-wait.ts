// Waiting for a host daemon's heartbeat in Redis: the proof that a daemon `fleet up` (or the
// local fleet) started is up, and that a replacement has taken over from the daemon it replaced.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FleetStore } from '@agentfleet/store';

export interface HeartbeatWait {
  timeoutMs: number;
  /** Whether the daemon's process still lives (asked every few seconds; false ends the wait). */
  alive?: () => boolean | Promise<boolean>;
  aliveEveryMs?: number;
}

/** 'up': the host's heartbeat names `pid`; 'gone': the process died first; 'timeout'. */
export async function waitForHeartbeat(store: FleetStore, host: string, pid: number, opts: HeartbeatWait): Promise<'up' | 'gone' | 'timeout'> {
  const deadline = Date.now() + opts.timeoutMs;
  let nextAliveCheck = Date.now() + (opts.aliveEveryMs ?? 2000);
  while (Date.now() < deadline) {
    const status = (await store.hosts.list()).find((h) => h.name === host);
    if (status?.up && status.pid === pid) return 'up';
    if (opts.alive && Date.now() >= nextAliveCheck) {
      if (!(await opts.alive())) return 'gone';
      nextAliveCheck = Date.now() + (opts.aliveEveryMs ?? 2000);
    }
    await sleep(250);
  }
  return 'timeout';
}

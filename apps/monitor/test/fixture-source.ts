// A MonitorSource from plain objects (the snapshot fixture) plus, optionally, real BullMQ queues.
import type { FleetStatsSnapshot, MetricsSnapshot } from '@agentfleet/telemetry';
import { snapshot } from '@agentfleet/testkit';
import type { BullQueue, MonitorSource } from '../src/source.js';

export interface FixtureSource extends MonitorSource {
  /** replaces the durable totals (what a restarted monitor would read from Redis) */
  setStats(stats: FleetStatsSnapshot): void;
  /** makes every call fail, like a Redis that stopped answering */
  setDown(down: boolean): void;
}

export function fixtureSource(snap: MetricsSnapshot = snapshot(), queues: BullQueue[] = []): FixtureSource {
  let stats = snap.stats;
  let down = false;
  const answer = <T>(value: T): Promise<T> => (down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) : Promise.resolve(value));
  return {
    listHosts: () => answer(snap.hosts),
    readStats: () => answer(stats),
    queueCounts: () => answer(snap.queues),
    listRuns: (opts) => answer(opts?.active ? snap.runs.filter((r) => r.status === 'queued' || r.status === 'running') : snap.runs),
    taskQueues: () => answer(queues),
    redisInfo: () => answer(snap.redis),
    setStats: (s) => {
      stats = s;
    },
    setDown: (d) => {
      down = d;
    },
  };
}

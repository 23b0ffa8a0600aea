// The host daemon's heartbeat: samples the host and its workers, judges the disk-free guard
// (no new task below it), tells when Redis holds runs of a newer protocol than this daemon
// speaks, and writes it all with a TTL (a host whose key expired is down).
import { protocolOfQueue, type FleetStore, type HostHeartbeat, type HostSandboxStatus } from '@agentfleet/store';
import type { HostSampler, Logger } from '@agentfleet/telemetry';
import type { WorkerSettings } from '../settings.js';
import type { Supervisor } from '../supervisor.js';

/** "runs need protocol 3; this daemon speaks 2: ..." when a known queue is newer than `speaks`. */
export function protocolNotice(queues: readonly string[], speaks: number): string | null {
  const needed = Math.max(1, ...queues.map(protocolOfQueue));
  return needed > speaks ? `runs need protocol ${needed}; this daemon speaks ${speaks}: redeploy with fleet up --restart` : null;
}

const mib = (bytes: number) => Math.round(bytes / 1024 ** 2);

export interface HeartbeatDeps {
  store: FleetStore;
  settings: WorkerSettings;
  supervisor: Supervisor;
  sampler: HostSampler;
  logger: Logger;
  /** Whether the daemon drains right now (fleet drain, or stopping). */
  draining: () => boolean;
  /** what the daemon found of its sandbox at start */
  sandbox: HostSandboxStatus;
}

export class Heartbeat {
  private lowDisk: string | null = null;
  private notice: string | null = null;

  constructor(private readonly d: HeartbeatDeps) {}

  async beat(): Promise<void> {
    const { settings, supervisor } = this.d;
    const s = await this.d.sampler.sample(supervisor.pids());
    this.lowDisk = s.diskFree < settings.minDiskFree ? `disk free ${mib(s.diskFree)} MiB below the ${mib(settings.minDiskFree)} MiB threshold` : null;
    supervisor.setPaused(this.lowDisk !== null);
    await this.checkProtocol();
    const draining = this.d.draining();
    const hb: HostHeartbeat = {
      at: Date.now(),
      cpu: s.cpu,
      load1: s.load1,
      memory: s.memory,
      diskFree: s.diskFree,
      version: settings.version,
      labels: settings.labels,
      cores: s.cores,
      pid: process.pid,
      draining,
      acceptingWork: !draining && this.lowDisk === null,
      notAcceptingReason: draining ? 'draining' : this.lowDisk,
      workers: supervisor.status(new Map(s.processes.map((p) => [p.pid, p]))),
      protocol: settings.protocol,
      protocolNotice: this.notice,
      sandbox: this.d.sandbox,
    };
    await this.d.store.hosts.heartbeat(settings.host, hb, settings.heartbeatTtlMs);
  }

  private async checkProtocol(): Promise<void> {
    const notice = protocolNotice(await this.d.store.figures.knownQueues(), this.d.settings.protocol);
    if (notice !== this.notice && notice) this.d.logger.warn({ protocol: this.d.settings.protocol }, `${notice}; tasks of those runs are left to daemons that speak it`);
    this.notice = notice;
  }
}

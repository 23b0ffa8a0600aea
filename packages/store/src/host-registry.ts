import type { Redis } from 'ioredis';
import { InputError } from '@agentfleet/core';
import type { Keys } from './keys.js';
import type { HostSandboxStatus, HostStatus, WorkerStatus } from './types.js';

/** What a host daemon writes every few seconds (the key expires after the TTL: host down). */
export interface HostHeartbeat {
  at: number;
  cpu: number;
  load1: number;
  memory: { used: number; total: number };
  diskFree: number;
  version: string;
  labels: string[];
  cores: number;
  pid: number;
  draining: boolean;
  acceptingWork: boolean;
  notAcceptingReason: string | null;
  workers: WorkerStatus[];
  /** The protocol the daemon speaks (absent in heartbeats of releases before it was sent). */
  protocol?: number;
  /** Set when Redis holds runs of a newer protocol than the daemon speaks: what to do about it. */
  protocolNotice?: string | null;
  /** How the host confines its tasks, as its daemon found out at start (absent before releases that sandbox). */
  sandbox?: HostSandboxStatus;
}

export interface HostControl {
  /** desired worker slots; null until someone sets it (the daemon then uses its own default) */
  slots: number | null;
  drain: boolean;
}

/** Host daemons' registration, heartbeats and desired state. */
export class HostRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async register(name: string, info: { labels: string[]; cores: number; version: string; defaultSlots: number }): Promise<void> {
    await this.redis.hset(this.keys.hosts(), name, JSON.stringify({ ...info, registeredAt: Date.now() }));
    // The first registration sets the desired slots; later ones keep what `fleet scale` chose.
    await this.redis.hsetnx(this.keys.hostControl(name), 'slots', String(info.defaultSlots));
  }

  async heartbeat(name: string, hb: HostHeartbeat, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.hostHeartbeat(name), JSON.stringify(hb), 'PX', ttlMs);
  }

  /** A clean stop: the heartbeat goes, and the host is not reported down (host-watch.ts). */
  async clearHeartbeat(name: string): Promise<void> {
    await this.redis.multi().del(this.keys.hostHeartbeat(name)).srem(this.keys.hostsSeenUp(), name).exec();
  }

  async control(name: string): Promise<HostControl> {
    const h = await this.redis.hgetall(this.keys.hostControl(name));
    return { slots: h.slots !== undefined ? Number(h.slots) : null, drain: h.drain === '1' };
  }

  async names(): Promise<string[]> {
    return (await this.redis.hkeys(this.keys.hosts())).sort();
  }

  async setSlots(name: string, slots: number): Promise<void> {
    await this.requireHost(name);
    await this.redis.hset(this.keys.hostControl(name), 'slots', String(slots));
  }

  async setDrain(name: string, drain: boolean): Promise<void> {
    await this.requireHost(name);
    await this.redis.hset(this.keys.hostControl(name), 'drain', drain ? '1' : '0');
  }

  async forget(name: string): Promise<void> {
    await this.redis.multi().hdel(this.keys.hosts(), name).del(this.keys.hostControl(name), this.keys.hostHeartbeat(name)).exec();
  }

  async countRestart(name: string): Promise<void> {
    await this.redis.hincrby(this.keys.stats(), `restarts|${name}`, 1);
  }

  private async requireHost(name: string): Promise<void> {
    if (!(await this.redis.hexists(this.keys.hosts(), name))) {
      const known = await this.names();
      throw new InputError(`unknown host '${name}' (known: ${known.join(', ') || 'none — start one with fleet up'})`);
    }
  }

  async list(): Promise<HostStatus[]> {
    const names = await this.names();
    const pipe = this.redis.pipeline();
    for (const n of names) {
      pipe.hget(this.keys.hosts(), n);
      pipe.get(this.keys.hostHeartbeat(n));
      pipe.hgetall(this.keys.hostControl(n));
      pipe.hget(this.keys.stats(), `restarts|${n}`);
    }
    const res = (await pipe.exec()) ?? [];
    const now = Date.now();
    return names.map((name, i) => {
      const reg = JSON.parse((res[4 * i]?.[1] as string) ?? '{}') as { labels?: string[]; cores?: number; version?: string };
      const hbText = res[4 * i + 1]?.[1] as string | null;
      const hb = hbText ? (JSON.parse(hbText) as HostHeartbeat) : null;
      const ctl = (res[4 * i + 2]?.[1] as Record<string, string>) ?? {};
      const desired = ctl.slots !== undefined ? Number(ctl.slots) : 0;
      const workers = hb?.workers ?? [];
      const busy = workers.filter((w) => w.state === 'busy').length;
      return {
        name,
        up: hb !== null,
        slots: { busy: hb ? busy : 0, idle: hb ? Math.max(0, workers.length - busy) : 0, desired },
        cpu: hb?.cpu ?? 0,
        memory: hb?.memory ?? { used: 0, total: 0 },
        load1: hb?.load1 ?? 0,
        diskFree: hb?.diskFree ?? 0,
        version: hb?.version ?? reg.version ?? '',
        heartbeatAgeMs: hb ? now - hb.at : null,
        labels: hb?.labels ?? reg.labels ?? [],
        draining: ctl.drain === '1' || (hb?.draining ?? false),
        acceptingWork: hb?.acceptingWork ?? false,
        notAcceptingReason: hb?.notAcceptingReason ?? null,
        workers,
        restarts: Number(res[4 * i + 3]?.[1] ?? 0),
        cores: hb?.cores ?? reg.cores ?? 0,
        pid: hb?.pid ?? null,
        protocol: hb?.protocol ?? null,
        protocolNotice: hb?.protocolNotice ?? null,
        sandbox: hb?.sandbox ?? null,
      };
    });
  }
}

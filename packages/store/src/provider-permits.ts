import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PermitLease, PermitRequest } from '@agentfleet/core';
import type { Keys } from './keys.js';
import { KeyedScripts } from './scripts/keyed-scripts.js';

export type { PermitLease, PermitRequest } from '@agentfleet/core';

/** One endpoint's permits as `fleet status`, `fleet top` and the monitor show them. */
export interface PermitStatus {
  provider: string;
  baseURL: string;
  limit: number;
  inUse: number;
  waiting: number;
  /** who waits, oldest first */
  waiters: { runId: string; taskId: string; since: number }[];
}

export interface PermitOptions {
  /** a holder that stops renewing loses its permit after this long (default 30 s) */
  leaseMs?: number;
  /** a waiter polls this often besides hearing grants (default 1 s) */
  pollMs?: number;
  /** a run's cap counts this long after its last use (default 2 min) */
  capTtlMs?: number;
}

/** The id of an endpoint in keys: a hash of its baseURL, scheme and host lowercased, no trailing slash. */
export function endpointId(baseURL: string): string {
  let normal = baseURL.trim().replace(/\/+$/, '');
  try {
    const u = new URL(normal);
    normal = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    normal = normal.toLowerCase();
  }
  return createHash('sha256').update(normal).digest('hex').slice(0, 16);
}

/**
 * A fair, fleet-wide semaphore per provider endpoint (providers[].maxConcurrent): permits
 * are leases in Redis, granted first come first served across hosts; a dead worker's lease
 * runs out. A waiter hears its grant on a pub/sub channel (one subscriber connection per
 * process, made on first wait) and polls as a fallback, which also keeps its place alive.
 */
export class RedisProviderPermits {
  private readonly scripts: KeyedScripts;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly capTtlMs: number;
  private readonly wakers = new Map<string, () => void>();
  /** grants heard before their waiter went back to waiting */
  private readonly early = new Set<string>();
  /** leases this process is asking for now */
  private readonly pending = new Set<string>();
  private readonly known = new Set<string>();
  private sub: Redis | undefined;
  private subscribed: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    opts: PermitOptions = {},
  ) {
    this.scripts = new KeyedScripts(redis);
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.pollMs = opts.pollMs ?? 1_000;
    this.capTtlMs = opts.capTtlMs ?? 120_000;
  }

  async acquire(req: PermitRequest): Promise<PermitLease | null> {
    const endpoint = endpointId(req.baseURL);
    const keys = this.keys.permitKeys(endpoint);
    await this.remember(endpoint, req);
    const lease = randomUUID();
    const info = JSON.stringify({ provider: req.provider, runId: req.holder?.runId ?? '', taskId: req.holder?.taskId ?? '', since: Date.now() });
    const started = Date.now();
    let waited = false;
    this.pending.add(lease);
    if (req.mode === 'wait') await this.subscribe();
    try {
      for (let position = 0; ; ) {
        if (req.signal.aborted) throw req.signal.reason as Error;
        const r = (await this.scripts.run('acquire-permit-6.lua', keys, [lease, req.limit, this.leaseMs, req.mode, this.pollMs * 3, this.capTtlMs, info, this.keys.permitGranted()])) as (string | number)[];
        if (r[0] === 'granted') break;
        if (r[0] === 'busy') return null;
        waited = true;
        if (Number(r[1]) !== position) req.onWait?.({ position: (position = Number(r[1])), holders: Number(r[2]), cap: Number(r[3]) });
        // a grant heard on the channel means the script made this lease a holder already
        if ((await this.grantOrPoll(lease, req.signal)) === 'granted') break;
      }
    } catch (e) {
      await this.giveBack(keys, lease);
      throw e;
    } finally {
      this.pending.delete(lease);
      this.early.delete(lease);
    }
    const waitedMs = Date.now() - started;
    if (waited) await this.countWait(req.provider, waitedMs);
    return this.holding(keys, lease, req.limit, waitedMs);
  }

  /** Every endpoint that has had permits lately: its cap, holders, waiters and who waits. */
  async list(): Promise<PermitStatus[]> {
    const endpoints = await this.redis.hgetall(this.keys.permitEndpoints());
    const now = Date.now();
    const out: PermitStatus[] = [];
    for (const [endpoint, meta] of Object.entries(endpoints)) {
      const [holders, waiters, seen, caps, , info] = this.keys.permitKeys(endpoint);
      const [inUse, waiting, declared, order, who] = await Promise.all([
        this.redis.zcount(holders!, now, '+inf'),
        this.redis.zrange(waiters!, 0, -1),
        this.redis.hgetall(caps!),
        this.redis.zrangebyscore(seen!, now, '+inf'),
        this.redis.hgetall(info!),
      ]);
      const live = new Set(order);
      const limits = Object.entries(declared).filter(([, expiry]) => Number(expiry) > now).map(([cap]) => Number(cap));
      if (limits.length === 0 && inUse === 0) continue;
      const { name, baseURL } = JSON.parse(meta) as { name: string; baseURL: string };
      const queue = waiting.filter((l) => live.has(l)).map((l) => JSON.parse(who[l] ?? '{}') as { runId?: string; taskId?: string; since?: number });
      out.push({ provider: name, baseURL, limit: limits.length ? Math.min(...limits) : 0, inUse, waiting: queue.length, waiters: queue.map((w) => ({ runId: w.runId ?? '', taskId: w.taskId ?? '', since: w.since ?? 0 })) });
    }
    return out.sort((a, b) => a.provider.localeCompare(b.provider));
  }

  async close(): Promise<void> {
    const sub = this.sub;
    this.sub = undefined;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }

  private async remember(endpoint: string, req: PermitRequest): Promise<void> {
    if (this.known.has(endpoint)) return;
    // the URL is shown in status: no credentials in it
    const shown = req.baseURL.replace(/\/\/[^/@]*@/, '//');
    await this.redis.hset(this.keys.permitEndpoints(), endpoint, JSON.stringify({ name: req.provider, baseURL: shown }));
    this.known.add(endpoint);
  }

  private holding(keys: string[], lease: string, limit: number, waitedMs: number): PermitLease {
    const renew = setInterval(() => void this.scripts.run('renew-permit-6.lua', keys, [lease, limit, this.leaseMs, this.capTtlMs]).catch(() => undefined), Math.max(50, Math.floor(this.leaseMs / 3)));
    renew.unref();
    let released = false;
    return {
      waitedMs,
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(renew);
        await this.giveBack(keys, lease);
      },
    };
  }

  private async giveBack(keys: string[], lease: string): Promise<void> {
    await this.scripts.run('release-permit-6.lua', keys, [lease, this.leaseMs, this.keys.permitGranted()]);
  }

  private async countWait(provider: string, waitedMs: number): Promise<void> {
    await this.redis.multi().hincrby(this.keys.stats(), `permit_waits|${provider}`, 1).hincrbyfloat(this.keys.stats(), `permit_wait_sum|${provider}`, waitedMs / 1000).exec();
  }

  /** Resolves 'granted' when the grant is heard, 'poll' when it is time to ask again (or the caller gave up). */
  private grantOrPoll(lease: string, signal: AbortSignal): Promise<'granted' | 'poll'> {
    if (this.early.delete(lease)) return Promise.resolve('granted');
    return new Promise((resolve) => {
      const done = (how: 'granted' | 'poll') => {
        clearTimeout(timer);
        this.wakers.delete(lease);
        signal.removeEventListener('abort', onAbort);
        resolve(how);
      };
      const onAbort = () => done('poll');
      const timer = setTimeout(() => done('poll'), this.pollMs);
      this.wakers.set(lease, () => done('granted'));
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private subscribe(): Promise<void> {
    this.subscribed ??= (async () => {
      const sub = this.redis.duplicate();
      sub.on('error', () => undefined);
      sub.on('message', (_channel: string, lease: string) => {
        const wake = this.wakers.get(lease);
        if (wake) wake();
        else if (this.pending.has(lease)) this.early.add(lease);
      });
      await sub.subscribe(this.keys.permitGranted());
      this.sub = sub;
    })().catch((e: unknown) => {
      this.subscribed = undefined;
      throw e;
    });
    return this.subscribed;
  }
}

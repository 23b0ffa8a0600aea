// Fleet-wide provider permits on a real Redis: first come first served across connections
// (hosts), the smallest declared cap holds, a dead holder's lease runs out, a waiter that
// gives up leaves the line; pauses start once (a notice) and are listed with their reason.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { Keys, RedisProviderPauses, RedisProviderPermits, type PermitLease, type PermitRequest } from '../src/index.js';
import { createRedis } from '../src/index.js';
import type { Redis } from 'ioredis';
import { waitFor } from '@agentfleet/testkit';

const opened: { redis: Redis; permits?: RedisProviderPermits }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.permits?.close();
    o.redis.disconnect();
  }
});

let seq = 0;
function prefix(): string {
  return `t-permits-${process.pid}-${++seq}`;
}

/** One "host": its own connection and its own permits object, as each worker process has. */
function host(p: string, opts: { leaseMs?: number; pollMs?: number } = {}) {
  const redis = createRedis(inject('redisUrl'));
  const permits = new RedisProviderPermits(redis, new Keys(p), opts);
  opened.push({ redis, permits });
  return { redis, permits };
}

function ask(limit: number, extra: Partial<PermitRequest> = {}): PermitRequest {
  return { baseURL: 'http://192.168.3.27:11434/v1', provider: 'lan', limit, mode: 'wait', signal: new AbortController().signal, ...extra };
}

describe('provider permits', () => {
  it('grants in arrival order across hosts, never more than the cap at once', async () => {
    const p = prefix();
    const [h1, h2, h3] = [host(p), host(p), host(p)];
    const a = await h1.permits.acquire(ask(2));
    const b = await h2.permits.acquire(ask(2));
    const order: string[] = [];
    const positions: number[] = [];
    const c = h3.permits.acquire(ask(2, { holder: { runId: 'r1', taskId: 'c' }, onWait: (w) => positions.push(w.position) })).then((l) => (order.push('c'), l));
    await waitFor('c to wait', async () => (await h1.permits.list())[0]?.waiting === 1, 5000, 20);
    const d = h1.permits.acquire(ask(2, { holder: { runId: 'r1', taskId: 'd' } })).then((l) => (order.push('d'), l));
    await waitFor('d to wait', async () => (await h1.permits.list())[0]?.waiting === 2, 5000, 20);

    const [status] = await h2.permits.list();
    expect(status).toMatchObject({ provider: 'lan', baseURL: 'http://192.168.3.27:11434/v1', limit: 2, inUse: 2, waiting: 2 });
    expect(status!.waiters.map((w) => w.taskId)).toEqual(['c', 'd']);
    expect(positions).toEqual([1]);

    await a!.release();
    const cl = await c;
    expect(order).toEqual(['c']);
    await b!.release();
    const dl = await d;
    expect(order).toEqual(['c', 'd']);
    // the grant was heard at once (pub/sub), not at the next poll
    expect(dl!.waitedMs).toBeLessThan(5000);
    await cl!.release();
    await dl!.release();
    expect((await h1.permits.list())[0]).toMatchObject({ inUse: 0, waiting: 0 });
    // two waits were counted, for the monitor
    const stats = await h1.redis.hgetall(new Keys(p).stats());
    expect(Number(stats['permit_waits|lan'])).toBe(2);
    expect(Number(stats['permit_wait_sum|lan'])).toBeGreaterThan(0);
  });

  it('holds the smallest cap any run declares for the same endpoint; try mode says busy instead of waiting', async () => {
    const p = prefix();
    const [h1, h2] = [host(p), host(p)];
    const first = await h1.permits.acquire(ask(3));
    // another run declares 1 for the same endpoint (trailing slash, other case: same endpoint)
    expect(await h2.permits.acquire(ask(1, { baseURL: 'http://192.168.3.27:11434/V1/', mode: 'try' }))).toBeNull();
    expect(await h1.permits.acquire(ask(3, { mode: 'try' }))).toBeNull();
    expect((await h1.permits.list())[0]!.limit).toBe(1);
    await first!.release();
    const second = await h2.permits.acquire(ask(1, { mode: 'try' }));
    expect(second).not.toBeNull();
    await second!.release();
  });

  it('a dead holder loses its permit when its lease runs out; a waiter that gives up leaves the line', async () => {
    const p = prefix();
    const dying = host(p, { leaseMs: 400 });
    const alive = host(p, { pollMs: 100 });
    await dying.permits.acquire(ask(1));
    // the worker dies: its connection goes, nothing renews the lease
    dying.redis.disconnect();
    const quitter = new AbortController();
    const gaveUp = alive.permits.acquire(ask(1, { signal: quitter.signal })).catch((e: unknown) => e);
    await waitFor('the quitter to wait', async () => (await alive.permits.list())[0]?.waiting === 1, 5000, 20);
    quitter.abort(new Error('cancelled'));
    expect(((await gaveUp) as Error).message).toBe('cancelled');
    expect((await alive.permits.list())[0]!.waiting).toBe(0);

    const started = Date.now();
    const lease: PermitLease | null = await alive.permits.acquire(ask(1));
    expect(lease).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(3000);
    await lease!.release();
  });

  it('a provider pause starts once (one provider_paused notice), is raised but never shortened, and is listed with its reason', async () => {
    const p = prefix();
    const redis = createRedis(inject('redisUrl'));
    opened.push({ redis });
    const keys = new Keys(p);
    const pauses = new RedisProviderPauses(redis, keys);
    const until = Date.now() + 5000;
    await pauses.pause('lan', until, '429 from lan');
    await pauses.pause('lan', until + 2000, '429 from lan');
    await pauses.pause('lan', until - 3000, 'shorter');
    expect(await pauses.pausedUntil('lan')).toBe(until + 2000);
    expect(await pauses.list()).toEqual([{ provider: 'lan', until: until + 2000, reason: '429 from lan' }]);
    const notices = await redis.xrange(keys.notices(), '-', '+');
    expect(notices).toHaveLength(1);
    expect(notices[0]![1]).toEqual(expect.arrayContaining(['type', 'provider_paused', 'provider', 'lan', 'until', String(until), 'reason', '429 from lan']));
    expect(await pauses.list(until + 3000)).toEqual([]);
  });
});

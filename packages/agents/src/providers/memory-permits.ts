import type { PermitLease, PermitRequest, ProviderPermits } from '../types.js';

interface Waiter {
  limit: number;
  grant: () => void;
}

interface Endpoint {
  holders: Set<object>;
  /** limits of the holders, to apply the smallest */
  limits: Map<object, number>;
  queue: Waiter[];
}

/**
 * ProviderPermits for one process (CLI one-offs, tests): first come first served per
 * endpoint, the smallest declared limit holding. The fleet uses RedisProviderPermits (store).
 */
export class MemoryProviderPermits implements ProviderPermits {
  private readonly endpoints = new Map<string, Endpoint>();

  acquire(req: PermitRequest): Promise<PermitLease | null> {
    const e = this.endpoint(req.baseURL);
    const started = Date.now();
    const cap = () => Math.min(req.limit, ...e.limits.values(), ...e.queue.map((w) => w.limit));
    if (e.queue.length === 0 && e.holders.size < cap()) return Promise.resolve(this.hold(e, req.limit, started));
    if (req.mode === 'try') return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        limit: req.limit,
        grant: () => {
          req.signal.removeEventListener('abort', onAbort);
          resolve(this.hold(e, req.limit, started));
        },
      };
      const onAbort = () => {
        e.queue.splice(e.queue.indexOf(waiter), 1);
        reject(req.signal.reason as Error);
      };
      req.signal.addEventListener('abort', onAbort, { once: true });
      e.queue.push(waiter);
      req.onWait?.({ position: e.queue.length, holders: e.holders.size, cap: cap() });
    });
  }

  private endpoint(baseURL: string): Endpoint {
    const key = baseURL.replace(/\/+$/, '').toLowerCase();
    let e = this.endpoints.get(key);
    if (!e) this.endpoints.set(key, (e = { holders: new Set(), limits: new Map(), queue: [] }));
    return e;
  }

  private hold(e: Endpoint, limit: number, started: number): PermitLease {
    const token = {};
    e.holders.add(token);
    e.limits.set(token, limit);
    let released = false;
    return {
      waitedMs: Date.now() - started,
      release: () => {
        if (released) return Promise.resolve();
        released = true;
        e.holders.delete(token);
        e.limits.delete(token);
        const cap = Math.min(...e.limits.values(), ...e.queue.map((w) => w.limit));
        while (e.queue.length && e.holders.size < cap) e.queue.shift()!.grant();
        return Promise.resolve();
      },
    };
  }
}

/** Shared by every agent of this process unless a request brings its own (the fleet's Redis permits). */
export const processPermits = new MemoryProviderPermits();

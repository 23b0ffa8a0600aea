import type { ProviderPauses } from '../types.js';

/** ProviderPauses for one process (CLI one-offs, tests); the fleet uses RedisProviderPauses from the store. */
export class MemoryProviderPauses implements ProviderPauses {
  private readonly until = new Map<string, number>();
  constructor(private readonly now: () => number = Date.now) {}
  pausedUntil(provider: string): Promise<number> {
    const t = this.until.get(provider) ?? 0;
    return Promise.resolve(t > this.now() ? t : 0);
  }
  pause(provider: string, untilMs: number, _reason?: string): Promise<void> {
    if (untilMs > (this.until.get(provider) ?? 0)) this.until.set(provider, untilMs);
    return Promise.resolve();
  }
}

/** In-process record of providers that failed (refused, timed out, 5xx) and are skipped until a time. */
export class CooldownRegistry {
  private readonly until = new Map<string, number>();
  constructor(private readonly now: () => number = Date.now) {}
  /** Epoch ms until which the provider is skipped; 0 if it is not. */
  coolingUntil(provider: string): number {
    const t = this.until.get(provider) ?? 0;
    if (t && t <= this.now()) {
      this.until.delete(provider);
      return 0;
    }
    return t;
  }
  coolDown(provider: string, forMs: number): void {
    this.until.set(provider, this.now() + forMs);
  }
  clear(provider?: string): void {
    if (provider) this.until.delete(provider);
    else this.until.clear();
  }
}

/** Shared by every agent of this process unless one is given: cool-downs are a per-process view. */
export const processCooldowns = new CooldownRegistry();

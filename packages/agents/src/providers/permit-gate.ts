import type { ProviderSpec } from '@agentfleet/core';
import type { PermitLease, ProviderPermits } from '../types.js';

/**
 * The chain's side of providers[].maxConcurrent: a permit per request (or per CLI run) from
 * the fleet-wide permits, told to the transcript while it waits. Providers without a cap
 * need none (null permit = go).
 */
export class PermitGate {
  constructor(
    private readonly permits: ProviderPermits,
    private readonly opts: { holder?: { runId: string; taskId: string }; onStatus?: (text: string) => void },
  ) {}

  /** A permit, waiting in line; undefined when the provider has no cap. */
  async wait(provider: ProviderSpec, signal: AbortSignal): Promise<PermitLease | undefined> {
    if (!provider.maxConcurrent) return undefined;
    const lease = await this.permits.acquire({ ...this.request(provider, signal), mode: 'wait' });
    if (lease && lease.waitedMs >= 1000) this.opts.onStatus?.(`permit of ${provider.name} granted after ${(lease.waitedMs / 1000).toFixed(1)} s`);
    return lease ?? undefined;
  }

  /** A permit now, or null when every one is taken (the chain then spills); undefined: no cap. */
  async try(provider: ProviderSpec, signal: AbortSignal): Promise<PermitLease | null | undefined> {
    if (!provider.maxConcurrent) return undefined;
    return this.permits.acquire({ ...this.request(provider, signal), mode: 'try' });
  }

  private request(provider: ProviderSpec, signal: AbortSignal) {
    return {
      baseURL: provider.baseURL,
      provider: provider.name,
      limit: provider.maxConcurrent!,
      signal,
      holder: this.opts.holder,
      onWait: (w: { position: number; holders: number; cap: number }) => this.opts.onStatus?.(`waiting for a permit of ${provider.name}: ${w.position === 1 ? 'next' : `${w.position - 1} ahead`} (${w.holders}/${w.cap} in use)`),
    };
  }
}

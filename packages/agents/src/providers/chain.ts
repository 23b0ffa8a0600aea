import OpenAI from 'openai';
import { FleetError, type ProviderSpec, type Tier } from '@agentfleet/core';
import type { Logger } from '@agentfleet/telemetry';
import type { PermitLease, ProviderPauses, ProviderPermits } from '../types.js';
import { modelFor } from '../tiers.js';
import { classifyProviderError } from './classify.js';
import { CooldownRegistry, processCooldowns } from './cooldowns.js';
import { processPermits } from './memory-permits.js';
import { PermitGate } from './permit-gate.js';
import { PARK_AFTER_MS, providerPauseWait, sleep } from './waits.js';

export { sleep, waitForPause } from './waits.js';

export interface ProviderChoice {
  provider: ProviderSpec;
  model: string;
}

export interface ProviderCallContext extends ProviderChoice {
  client: OpenAI;
  signal: AbortSignal;
}

export interface ProviderChainOptions {
  pauses: ProviderPauses;
  /** fleet-wide permits of capped providers (maxConcurrent); default this process's own */
  permits?: ProviderPermits;
  env: NodeJS.ProcessEnv;
  cooldowns?: CooldownRegistry;
  logger?: Logger;
  now?: () => number;
  /** A wait for every usable provider longer than this parks the task (a WaitRequest) instead of holding its slot (default 60 s). */
  parkAfterMs?: number;
  /** Told when the chain switches provider or waits (becomes an agent 'status' event). */
  onStatus?: (text: string) => void;
  /** who asks: shown with the permits it holds or waits for */
  holder?: { runId: string; taskId: string };
}

/** A served call: its value, who served it, and the permit when the caller keeps it (a CLI run). */
export type Served<T> = { value: T; permit?: PermitLease } & ProviderChoice;

type Outcome<T> = { served: Served<T> } | { pausedUntil: number } | { down: true };

export function openaiClient(provider: ProviderSpec, env: NodeJS.ProcessEnv): OpenAI {
  const apiKey = (provider.apiKeyEnv ? env[provider.apiKeyEnv] : undefined) || 'unused';
  // retries are the chain's job: a failing provider must hand over at once
  return new OpenAI({ baseURL: provider.baseURL, apiKey, timeout: provider.timeoutMs, maxRetries: 0 });
}

/**
 * The ordered providers of one API (providersFor). A call goes to the first provider that has
 * a model for the tier, is not cooling down (in-process, after refusals, timeouts, 5xx), is
 * not paused fleet-wide (after a 429) and, when capped (maxConcurrent), grants a permit: a
 * busy provider is waited for, or with `spill: when-busy` passed over while another has room.
 * `spill: never` keeps the work on that provider even when it is down. When every usable
 * provider is paused, the call waits for the earliest reset, or parks the task past 60 s;
 * when every one is down, it fails with provider_unavailable.
 */
export class ProviderChain {
  private readonly clients = new Map<string, OpenAI>();
  private readonly cooldowns: CooldownRegistry;
  private readonly now: () => number;
  private readonly gate: PermitGate;

  constructor(
    private readonly providers: readonly ProviderSpec[],
    private readonly opts: ProviderChainOptions,
  ) {
    this.cooldowns = opts.cooldowns ?? processCooldowns;
    this.now = opts.now ?? Date.now;
    this.gate = new PermitGate(opts.permits ?? processPermits, { holder: opts.holder, onStatus: opts.onStatus });
  }

  private client(p: ProviderSpec): OpenAI {
    let c = this.clients.get(p.name);
    if (!c) {
      c = openaiClient(p, this.opts.env);
      this.clients.set(p.name, c);
    }
    return c;
  }

  /** Cools a provider down after a failure seen outside `call` (e.g. by a CLI agent). */
  markDown(provider: ProviderSpec, reason: string): void {
    this.cooldowns.coolDown(provider.name, provider.cooldownMs);
    this.opts.logger?.warn({ provider: provider.name, reason, cooldownMs: provider.cooldownMs }, 'provider cooling down');
  }

  async markRateLimited(provider: string, untilMs: number, reason = `429 from ${provider}`): Promise<void> {
    await this.opts.pauses.pause(provider, untilMs, reason);
    this.opts.logger?.warn({ provider, until: new Date(untilMs).toISOString(), reason }, 'provider paused fleet-wide');
  }

  /**
   * The first usable provider and model, with its permit held until the caller releases it
   * (agents that call the model themselves: a CLI run is one permit).
   */
  async pick(tier: Tier, signal: AbortSignal): Promise<ProviderChoice & { permit?: PermitLease }> {
    const { provider, model, permit } = await this.call(tier, signal, () => Promise.resolve(undefined), { keepPermit: true });
    return { provider, model, permit };
  }

  async call<T>(tier: Tier, signal: AbortSignal, fn: (ctx: ProviderCallContext) => Promise<T>, opts: { keepPermit?: boolean } = {}): Promise<Served<T>> {
    const choices = this.choicesFor(tier);
    const failures: Record<string, string> = {};
    while (true) {
      if (signal.aborted) throw signal.reason as Error;
      let earliest = Infinity;
      let earliestName = '';
      const wait = (until: number, name: string) => {
        if (until < earliest) [earliest, earliestName] = [until, name];
      };
      let busy: ProviderChoice | undefined;
      for (const choice of choices) {
        const { provider } = choice;
        const stays = provider.spill === 'never';
        const cooling = this.cooldowns.coolingUntil(provider.name);
        if (cooling > this.now()) {
          failures[provider.name] ??= 'cooling down';
          // spill: never waits out its own cool-down rather than hand the work on
          if (!stays) continue;
          wait(cooling, provider.name);
          break;
        }
        const pausedUntil = await this.opts.pauses.pausedUntil(provider.name);
        if (pausedUntil > this.now()) {
          wait(pausedUntil, provider.name);
          if (stays) break;
          continue;
        }
        const permit = provider.spill === 'when-busy' ? await this.gate.try(provider, signal) : await this.gate.wait(provider, signal);
        if (permit === null) {
          busy ??= choice;
          this.opts.onStatus?.(`provider ${provider.name} is busy (every permit taken); trying the next one`);
          continue;
        }
        const outcome = await this.attempt(choice, permit, signal, fn, failures, opts.keepPermit);
        if ('served' in outcome) return outcome.served;
        if ('pausedUntil' in outcome) wait(outcome.pausedUntil, provider.name);
        else if (stays) wait(this.cooldowns.coolingUntil(provider.name), provider.name);
        if (stays) break;
      }
      // a busy provider frees a permit sooner than a pause lifts: wait in line at the first one
      if (busy) {
        const outcome = await this.attempt(busy, await this.gate.wait(busy.provider, signal), signal, fn, failures, opts.keepPermit);
        if ('served' in outcome) return outcome.served;
        continue;
      }
      if (earliest === Infinity) {
        const why = Object.entries(failures).map(([n, m]) => `${n}: ${m}`).join('; ');
        throw new FleetError('provider_unavailable', `every provider for tier '${tier}' is unavailable (${why})`, { failures });
      }
      await this.waitFor(earliest, earliestName, tier, signal);
    }
  }

  private choicesFor(tier: Tier): ProviderChoice[] {
    const choices = this.providers.flatMap((p) => {
      const m = modelFor(p, tier);
      return m ? [{ provider: p, model: m.model }] : [];
    });
    if (choices.length === 0) {
      throw new FleetError('provider_unavailable', `no provider has a model for tier '${tier}' (providers: ${this.providers.map((p) => p.name).join(', ') || 'none configured'})`);
    }
    return choices;
  }

  /** One call to one provider under its permit: served, paused (429) or down (cooling now). */
  private async attempt<T>(choice: ProviderChoice, permit: PermitLease | undefined, signal: AbortSignal, fn: (ctx: ProviderCallContext) => Promise<T>, failures: Record<string, string>, keepPermit?: boolean): Promise<Outcome<T>> {
    const { provider, model } = choice;
    let kept = false;
    try {
      const value = await fn({ provider, model, client: this.client(provider), signal });
      kept = Boolean(keepPermit);
      return { served: { value, provider, model, ...(kept && permit ? { permit } : {}) } };
    } catch (e) {
      if (signal.aborted) throw signal.reason as Error;
      if (e instanceof FleetError) throw e;
      const failure = classifyProviderError(e, this.now());
      failures[provider.name] = failure.message;
      if (failure.kind === 'fatal') {
        throw new FleetError('agent_error', `provider '${provider.name}' (model ${model}) rejected the request: ${failure.message}`, { provider: provider.name, model });
      }
      if (failure.kind === 'rate_limited') {
        await this.markRateLimited(provider.name, failure.untilMs, `429 from ${provider.name}`);
        this.opts.onStatus?.(`provider ${provider.name} rate-limited until ${new Date(failure.untilMs).toISOString()}`);
        return { pausedUntil: failure.untilMs };
      }
      this.markDown(provider, failure.message);
      this.opts.onStatus?.(`provider ${provider.name} down (${failure.message})${provider.spill === 'never' ? '; waiting for it (spill: never)' : '; trying the next one'}`);
      return { down: true };
    } finally {
      if (!kept) await permit?.release();
    }
  }

  /** Every usable provider waits until `until`: hold the slot for a short wait, park the task for a long one. */
  private async waitFor(until: number, name: string, tier: Tier, signal: AbortSignal): Promise<void> {
    const waitMs = Math.max(0, until - this.now());
    if (waitMs > (this.opts.parkAfterMs ?? PARK_AFTER_MS)) {
      throw providerPauseWait(`every provider for tier '${tier}' is paused; ${name} resumes at ${new Date(until).toISOString()}`, until);
    }
    this.opts.onStatus?.(`every provider is paused; waiting ${Math.ceil(waitMs / 1000)} s for ${name}`);
    this.opts.logger?.info({ provider: name, waitMs }, 'waiting for a fleet-wide provider pause to lift');
    await sleep(Math.max(waitMs, 10), signal);
  }
}

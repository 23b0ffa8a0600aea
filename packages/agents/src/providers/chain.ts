import { setTimeout as delay } from 'node:timers/promises';
import OpenAI from 'openai';
import { FleetError, type ProviderSpec, type Tier } from '@agentfleet/core';
import type { Logger } from '@agentfleet/telemetry';
import { abortError } from '../budget.js';
import type { AgentRunRequest, ProviderPauses } from '../types.js';
import { modelFor } from '../tiers.js';
import { classifyProviderError } from './classify.js';
import { CooldownRegistry, processCooldowns } from './cooldowns.js';
import { providerStep } from './provider-step.js';

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
  env: NodeJS.ProcessEnv;
  cooldowns?: CooldownRegistry;
  logger?: Logger;
  now?: () => number;
  /** Longest wait for a fleet-wide pause to lift before giving up (default: as long as the abort signal allows). */
  maxWaitMs?: number;
  /** Told when the chain switches provider or waits (becomes an agent 'status' event). */
  onStatus?: (text: string) => void;
}

/** setTimeout's limit (~24.8 days); callers re-check their condition after a capped wait. */
const MAX_TIMER_MS = 2_147_483_647;

/** Waits ms (at most ~24.8 days), or rejects with the signal's reason as soon as it aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(Math.min(Math.max(0, ms), MAX_TIMER_MS), undefined, { signal }).catch((e: unknown) => {
    throw signal.aborted ? (signal.reason as Error) : e;
  });
}

/** Waits while a provider is paused fleet-wide (agents that do not pick from the chain, e.g. claude). */
export async function waitForPause(req: Pick<AgentRunRequest, 'pauses' | 'signal' | 'onEvent' | 'task'>, provider: string): Promise<void> {
  while (true) {
    const wait = (await req.pauses.pausedUntil(provider)) - Date.now();
    if (wait <= 0) return;
    req.onEvent(providerStep(`${provider} is paused fleet-wide; waiting ${Math.ceil(wait / 1000)} s`));
    await sleep(wait, req.signal).catch(() => {
      throw abortError(req.signal, req.task.taskId);
    });
  }
}

export function openaiClient(provider: ProviderSpec, env: NodeJS.ProcessEnv): OpenAI {
  const apiKey = (provider.apiKeyEnv ? env[provider.apiKeyEnv] : undefined) || 'unused';
  // retries are the chain's job: a failing provider must hand over at once
  return new OpenAI({ baseURL: provider.baseURL, apiKey, timeout: provider.timeoutMs, maxRetries: 0 });
}

/**
 * The ordered providers of the config. A call goes to the first provider that has a model
 * for the tier, is not cooling down (in-process, after refusals, timeouts, 5xx) and is not
 * paused fleet-wide (after a 429). When every provider is paused, it waits for the earliest
 * pause to lift; when every one is down, it fails with provider_unavailable.
 */
export class ProviderChain {
  private readonly clients = new Map<string, OpenAI>();
  private readonly cooldowns: CooldownRegistry;
  private readonly now: () => number;

  constructor(
    private readonly providers: readonly ProviderSpec[],
    private readonly opts: ProviderChainOptions,
  ) {
    this.cooldowns = opts.cooldowns ?? processCooldowns;
    this.now = opts.now ?? Date.now;
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

  async markRateLimited(provider: string, untilMs: number): Promise<void> {
    await this.opts.pauses.pause(provider, untilMs);
    this.opts.logger?.warn({ provider, until: new Date(untilMs).toISOString() }, 'provider paused fleet-wide (429)');
  }

  /** The first usable provider and model, waiting out fleet-wide pauses (for agents that call the model themselves). */
  async pick(tier: Tier, signal: AbortSignal): Promise<ProviderChoice> {
    const { provider, model } = await this.call(tier, signal, (ctx) => Promise.resolve(ctx));
    return { provider, model };
  }

  async call<T>(tier: Tier, signal: AbortSignal, fn: (ctx: ProviderCallContext) => Promise<T>): Promise<{ value: T } & ProviderChoice> {
    const withModels = this.providers.flatMap((p) => {
      const m = modelFor(p, tier);
      return m ? [{ provider: p, model: m.model }] : [];
    });
    if (withModels.length === 0) {
      throw new FleetError('provider_unavailable', `no provider has a model for tier '${tier}' (providers: ${this.providers.map((p) => p.name).join(', ') || 'none configured'})`);
    }
    const startedAt = this.now();
    const failures: Record<string, string> = {};
    while (true) {
      if (signal.aborted) throw signal.reason as Error;
      let earliestPause = Infinity;
      let pausedName = '';
      for (const { provider, model } of withModels) {
        const now = this.now();
        if (this.cooldowns.coolingUntil(provider.name) > now) {
          failures[provider.name] ??= 'cooling down';
          continue;
        }
        const pausedUntil = await this.opts.pauses.pausedUntil(provider.name);
        if (pausedUntil > now) {
          if (pausedUntil < earliestPause) {
            earliestPause = pausedUntil;
            pausedName = provider.name;
          }
          continue;
        }
        try {
          const value = await fn({ provider, model, client: this.client(provider), signal });
          return { value, provider, model };
        } catch (e) {
          if (signal.aborted) throw signal.reason as Error;
          if (e instanceof FleetError) throw e;
          const failure = classifyProviderError(e, this.now());
          failures[provider.name] = failure.message;
          if (failure.kind === 'fatal') {
            throw new FleetError('agent_error', `provider '${provider.name}' (model ${model}) rejected the request: ${failure.message}`, { provider: provider.name, model });
          }
          if (failure.kind === 'rate_limited') {
            await this.markRateLimited(provider.name, failure.untilMs);
            if (failure.untilMs < earliestPause) {
              earliestPause = failure.untilMs;
              pausedName = provider.name;
            }
            this.opts.onStatus?.(`provider ${provider.name} rate-limited until ${new Date(failure.untilMs).toISOString()}`);
          } else {
            this.markDown(provider, failure.message);
            this.opts.onStatus?.(`provider ${provider.name} down (${failure.message}); trying the next one`);
          }
        }
      }
      if (earliestPause === Infinity) {
        const why = Object.entries(failures).map(([n, m]) => `${n}: ${m}`).join('; ');
        throw new FleetError('provider_unavailable', `every provider for tier '${tier}' is unavailable (${why})`, { failures });
      }
      const waitMs = Math.max(0, earliestPause - this.now());
      if (this.opts.maxWaitMs !== undefined && this.now() + waitMs - startedAt > this.opts.maxWaitMs) {
        throw new FleetError('provider_unavailable', `every provider for tier '${tier}' is paused; ${pausedName} resumes in ${Math.ceil(waitMs / 1000)} s, past the wait limit`, { failures });
      }
      this.opts.onStatus?.(`every provider is paused; waiting ${Math.ceil(waitMs / 1000)} s for ${pausedName}`);
      this.opts.logger?.info({ provider: pausedName, waitMs }, 'waiting for a fleet-wide provider pause to lift');
      await sleep(Math.max(waitMs, 10), signal);
    }
  }
}

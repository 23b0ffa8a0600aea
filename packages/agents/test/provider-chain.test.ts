import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { FleetError, WaitRequest } from '@agentfleet/core';
import { checkProvider, CooldownRegistry, createAgent, modelFor, rateLimitResetAt, sleep, tierFor, type ProviderPauses } from '@agentfleet/agents';
import { Keys, RedisProviderPauses } from '@agentfleet/store';
import { freePort, removeDir, reply, startStandin, tempDir, type OpenAIStandin } from '@agentfleet/testkit';
import { config, provider, request } from './helpers.js';

const prefix = `t-agents-chain-${process.pid}`;
let a: OpenAIStandin;
let b: OpenAIStandin;
const redisClients: Redis[] = [];
let dir: string;

beforeAll(async () => {
  a = await startStandin();
  b = await startStandin();
  dir = tempDir('agents-chain');
});
afterAll(async () => {
  await a.close();
  await b.close();
  for (const r of redisClients) {
    await r.quit();
  }
  removeDir(dir);
});

function redisPauses(): RedisProviderPauses {
  const r = new Redis(inject('redisUrl'), { lazyConnect: false, maxRetriesPerRequest: 1 });
  redisClients.push(r);
  return new RedisProviderPauses(r, new Keys(prefix));
}

async function runLlm(providers: ReturnType<typeof provider>[], opts: { cooldowns: CooldownRegistry; pauses?: ProviderPauses; parkAfterMs?: number }) {
  const h = request({ workdir: dir, config: config({ providers }), pauses: opts.pauses, task: { prompt: 'say hi' } });
  const result = await createAgent('llm', { cooldowns: opts.cooldowns, parkAfterMs: opts.parkAfterMs }).run(h.req);
  return { result, events: h.events };
}

describe('provider chain', () => {
  it('skips a provider that refuses connections, and uses it again after its cool-down', async () => {
    const port = await freePort();
    const cooldowns = new CooldownRegistry();
    const providers = [provider('first', `http://127.0.0.1:${port}/v1`, { cooldownMs: 1500 }), provider('second', b.url)];
    b.enqueue(reply.text('from second'), reply.text('from second again'));
    const one = await runLlm(providers, { cooldowns });
    expect(one.result.provider).toBe('second');
    expect(one.result.summary).toBe('from second');
    expect(one.events.some((e) => e.type === 'step' && /provider first down \(connection failed/.test(e.detail ?? ''))).toBe(true);

    // the first provider comes back, but is still cooling down: the second one serves
    const first = await startStandin({ port });
    try {
      first.enqueue(reply.text('from first'));
      const two = await runLlm(providers, { cooldowns });
      expect(two.result.provider).toBe('second');
      expect(first.modelRequests).toHaveLength(0);

      while (cooldowns.coolingUntil('first') > 0) await sleep(50, new AbortController().signal);
      const three = await runLlm(providers, { cooldowns });
      expect(three.result.provider).toBe('first');
      expect(three.result.summary).toBe('from first');
    } finally {
      await first.close();
    }
  });

  it('moves on after a 5xx and after a provider that hangs past its timeout', async () => {
    const cooldowns = new CooldownRegistry();
    a.enqueue(reply.status(503), reply.hang());
    b.enqueue(reply.text('served after 503'), reply.text('served after hang'));
    const providers = [provider('a', a.url, { timeoutMs: 300 }), provider('b', b.url)];
    expect((await runLlm(providers, { cooldowns })).result.summary).toBe('served after 503');
    cooldowns.clear();
    const afterHang = await runLlm(providers, { cooldowns });
    expect(afterHang.result.provider).toBe('b');
    expect(afterHang.events.some((e) => e.type === 'step' && /provider a down \((request timed out|no data from the provider for 300 ms)\)/.test(e.detail ?? ''))).toBe(true);
  });

  it('cuts a stream that goes silent mid-answer and moves on', async () => {
    const cooldowns = new CooldownRegistry();
    a.enqueue({ kind: 'hang-mid-stream', content: 'partial' });
    b.enqueue(reply.text('whole answer'));
    const r = await runLlm([provider('a', a.url, { timeoutMs: 300 }), provider('b', b.url)], { cooldowns });
    expect(r.result.provider).toBe('b');
    expect(r.events.some((e) => e.type === 'step' && /no data from the provider for 300 ms/.test(e.detail ?? ''))).toBe(true);
  });

  it('a 429 seen by one agent pauses the provider for a second agent (same Redis)', async () => {
    a.reset();
    b.reset();
    a.enqueue(reply.status(429, { 'retry-after': '30' }, 'Rate limit reached'));
    b.enqueue(reply.text('worker one served by b'), reply.text('worker two served by b'));
    const providers = [provider('shared', a.url), provider('backup', b.url)];
    const worker1 = await runLlm(providers, { cooldowns: new CooldownRegistry(), pauses: redisPauses() });
    expect(worker1.result.provider).toBe('backup');
    expect(a.modelRequests).toHaveLength(1);

    // a second worker: its own agent, cool-downs and Redis connection
    const pauses2 = redisPauses();
    const until = await pauses2.pausedUntil('shared');
    expect(until).toBeGreaterThan(Date.now() + 20_000);
    const worker2 = await runLlm(providers, { cooldowns: new CooldownRegistry(), pauses: pauses2 });
    expect(worker2.result.provider).toBe('backup');
    expect(a.modelRequests).toHaveLength(1); // never asked again while paused

    const raw = redisClients[0]!;
    const key = `${prefix}:provider:shared:paused-until`;
    expect(Number(await raw.get(key))).toBe(until);
    expect(await raw.pttl(key)).toBeGreaterThan(20_000);
    // a shorter pause never shortens a longer one
    await pauses2.pause('shared', Date.now() + 1000);
    expect(await pauses2.pausedUntil('shared')).toBe(until);
  });

  it('when every provider is paused, waits for the earliest pause instead of failing', async () => {
    a.reset();
    a.enqueue(reply.status(429, { 'retry-after-ms': '400' }), reply.text('after the pause'));
    const r = await runLlm([provider('only', a.url)], { cooldowns: new CooldownRegistry() });
    expect(r.result.summary).toBe('after the pause');
    expect(r.events.some((e) => e.type === 'step' && /every provider is paused; waiting 1 s for only/.test(e.detail ?? ''))).toBe(true);
  });

  it('fails with provider_unavailable when every provider is down; parks the task when every pause outlasts the slot-holding limit', async () => {
    const p1 = await freePort();
    const p2 = await freePort();
    const err = (await runLlm([provider('x', `http://127.0.0.1:${p1}/v1`), provider('y', `http://127.0.0.1:${p2}/v1`)], { cooldowns: new CooldownRegistry() }).catch((e: unknown) => e)) as FleetError;
    expect(err).toBeInstanceOf(FleetError);
    expect(err.kind).toBe('provider_unavailable');
    expect(err.message).toMatch(/x: connection failed.*y: connection failed/);

    a.reset();
    a.enqueue(reply.status(429, { 'x-ratelimit-reset-requests': '1m30s' }));
    const before = Date.now();
    const wait = (await runLlm([provider('limited', a.url)], { cooldowns: new CooldownRegistry() }).catch((e: unknown) => e)) as WaitRequest;
    expect(wait).toBeInstanceOf(WaitRequest);
    expect(wait.wait.kind).toBe('provider_pause');
    expect(wait.wait.until).toBeGreaterThanOrEqual(before + 90_000);
    expect(wait.wait.until).toBeLessThanOrEqual(Date.now() + 90_000);
    expect(wait.wait.reason).toMatch(/every provider for tier 'low' is paused; limited resumes at /);
  });

  it('reads reset times from retry-after, retry-after-ms, x-ratelimit-reset and x-ratelimit-reset-* headers', () => {
    const now = 1_000_000;
    const h = (o: Record<string, string>) => (n: string) => o[n];
    expect(rateLimitResetAt(h({ 'retry-after': '7' }), now)).toBe(now + 7000);
    expect(rateLimitResetAt(h({ 'retry-after-ms': '250' }), now)).toBe(now + 250);
    expect(rateLimitResetAt(h({ 'x-ratelimit-reset': '1900000000' }), now)).toBe(1_900_000_000_000);
    expect(rateLimitResetAt(h({ 'x-ratelimit-reset-tokens': '6m0s', 'x-ratelimit-reset-requests': '20ms' }), now)).toBe(now + 360_000);
    expect(rateLimitResetAt(h({}), now)).toBe(now + 30_000);
  });

  it('picks the model by tier: complexity, risk forces high, a forced tier wins, nearest higher then lower', () => {
    expect(tierFor('low', [])).toBe('low');
    expect(tierFor('low', ['security'])).toBe('high');
    // an eval variant's tier wins over complexity and risk
    expect(tierFor('high', ['security'], 'low')).toBe('low');
    expect(tierFor('low', [], 'high')).toBe('high');
    expect(modelFor({ models: { low: 'l', high: 'h' } }, 'medium')).toEqual({ tier: 'high', model: 'h' });
    expect(modelFor({ models: { low: 'l' } }, 'high')).toEqual({ tier: 'low', model: 'l' });
    expect(modelFor({ models: { low: 'l', medium: 'm' } }, 'high')).toEqual({ tier: 'medium', model: 'm' });
    expect(modelFor({ models: {} }, 'low')).toBeUndefined();
  });

  it('uses the high-tier model for a risky task', async () => {
    a.reset();
    a.enqueue(reply.text('ok'));
    const h = request({ workdir: dir, config: config({ providers: [provider('a', a.url)] }), task: { prompt: 'x', complexity: 'low', risk: ['security'] } });
    const r = await createAgent('llm', { cooldowns: new CooldownRegistry() }).run(h.req);
    expect(r.model).toBe('standin-large');
    expect(a.modelRequests[0]!.body.model).toBe('standin-large');
  });

  it('checkProvider lists the models for fleet doctor and reports an unreachable one', async () => {
    const ok = await checkProvider(config({ providers: [provider('a', a.url, { models: { low: 'standin-small', high: 'not-served' } })] }).providers[0]!);
    expect(ok).toMatchObject({ provider: 'a', ok: true, models: ['standin-small', 'standin-large'], missingModels: ['not-served'] });
    const port = await freePort();
    const down = await checkProvider(config({ providers: [provider('down', `http://127.0.0.1:${port}/v1`)] }).providers[0]!);
    expect(down.ok).toBe(false);
    expect(down.error).toMatch(/ECONNREFUSED/);
    const keyless = await checkProvider(config({ providers: [provider('k', a.url, { apiKeyEnv: 'AF_TEST_NO_SUCH_KEY' })] }).providers[0]!, {});
    expect(keyless).toMatchObject({ ok: false, error: 'environment variable AF_TEST_NO_SUCH_KEY is not set' });
  });
});

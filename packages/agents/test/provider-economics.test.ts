// The provider chain's economics against real stand-in servers: a cap on requests in flight
// (permits), spill modes, each agent kind walking only its own API's providers, and a 429's
// pause lasting as long as the provider said.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CooldownRegistry, createAgent, MemoryProviderPauses, MemoryProviderPermits } from '@agentfleet/agents';
import { removeDir, reply, startStandin, tempDir, type OpenAIStandin } from '@agentfleet/testkit';
import { config, FAKE_CODEX, provider, request, stream } from './helpers.js';

let dir: string;
let a: OpenAIStandin;
let b: OpenAIStandin;
beforeAll(async () => {
  dir = tempDir('agents-economics');
  // a slow server: each answer takes 300 ms, so two runs at once overlap unless capped
  a = await startStandin({ serviceMs: 300 });
  b = await startStandin({ serviceMs: 300 });
});
afterAll(async () => {
  await a.close();
  await b.close();
  removeDir(dir);
});
beforeEach(() => {
  for (const s of [a, b]) {
    s.reset();
    s.figures.maxInFlight = 0;
  }
});

/** llm tasks at once (two by default) on one process's permits, like workers of a fleet. */
async function twoAtOnce(providers: ReturnType<typeof provider>[], n = 2) {
  const permits = new MemoryProviderPermits();
  const cooldowns = new CooldownRegistry();
  const runs = Array.from({ length: n }, (_, i) => `t${i + 1}`).map((taskId) => {
    const h = request({ workdir: dir, permits, config: config({ providers }), task: { taskId, prompt: 'answer' } });
    return { h, done: createAgent('llm', { cooldowns }).run(h.req) };
  });
  return Promise.all(runs.map(async (r) => ({ result: await r.done, events: r.h.events })));
}

// the chain's notes are fleet steps in the transcript (provider-step.ts)
const statuses = (events: { type: string; step?: string; detail?: string }[]) => events.filter((e) => e.type === 'step' && e.step === 'provider').map((e) => e.detail!);

describe('provider economics', () => {
  it('maxConcurrent: never more requests in flight than the cap; the others wait for a permit and say so, and the wait does not count against the provider timeout', async () => {
    a.enqueue(reply.text('one'), reply.text('two'), reply.text('three'));
    // each answer takes 300 ms: the third waits 600 ms for its permit, past the 500 ms timeout
    const served = await twoAtOnce([provider('lan', a.url, { maxConcurrent: 1, timeoutMs: 500 }), provider('cloud', b.url)], 3);
    expect(served.map((r) => r.result.summary).sort()).toEqual(['one', 'three', 'two']);
    expect(served.every((r) => r.result.provider === 'lan')).toBe(true);
    expect(a.figures.maxInFlight).toBe(1);
    expect(b.modelRequests).toHaveLength(0);
    const said = served.flatMap((r) => statuses(r.events));
    expect(said).toContainEqual('waiting for a permit of lan: next (1/1 in use)');
    expect(said).toContainEqual('waiting for a permit of lan: 1 ahead (1/1 in use)');
  });

  it('spill: when-busy hands a request to the next provider while every permit is taken', async () => {
    a.enqueue(reply.text('from lan'));
    b.enqueue(reply.text('from cloud'));
    const served = await twoAtOnce([provider('lan', a.url, { maxConcurrent: 1, spill: 'when-busy' }), provider('cloud', b.url)]);
    expect(served.map((s) => s.result.provider).sort()).toEqual(['cloud', 'lan']);
    expect(served.flatMap((s) => statuses(s.events))).toContainEqual('provider lan is busy (every permit taken); trying the next one');
  });

  it('spill: never keeps the work on a provider that is down, waiting out its cool-down instead of using the next', async () => {
    a.enqueue(reply.status(503), reply.text('lan again'));
    b.enqueue(reply.text('should not be used'));
    const h = request({ workdir: dir, config: config({ providers: [provider('lan', a.url, { spill: 'never', cooldownMs: 400 }), provider('cloud', b.url)] }), task: { prompt: 'answer' } });
    const result = await createAgent('llm', { cooldowns: new CooldownRegistry() }).run(h.req);
    expect(result).toMatchObject({ provider: 'lan', summary: 'lan again' });
    expect(b.modelRequests).toHaveLength(0);
    expect(statuses(h.events).some((t) => /provider lan down \(503.*\); waiting for it \(spill: never\)/.test(t))).toBe(true);
  });

  it('each agent kind walks only the providers of its API: llm the chat ones, codex the responses ones', async () => {
    a.enqueue(reply.text('chat answer'));
    const providers = [provider('resp', 'http://127.0.0.1:9/v1', { api: 'responses', models: { low: 'resp-model' } }), provider('chat', a.url)];
    const llm = await createAgent('llm', { cooldowns: new CooldownRegistry() }).run(request({ workdir: dir, config: config({ providers }), task: { prompt: 'x' } }).req);
    expect(llm).toMatchObject({ provider: 'chat', summary: 'chat answer' });
    const env = { ...process.env, AGENTFLEET_CODEX_BIN: FAKE_CODEX, FAKE_CLI_STREAM: stream('codex-success.jsonl'), HOME: dir };
    const codex = await createAgent('codex', { cooldowns: new CooldownRegistry() }).run(request({ workdir: dir, env, config: config({ providers }), task: { agent: 'codex', prompt: 'x' } }).req);
    expect(codex).toMatchObject({ provider: 'resp', model: 'resp-model' });
  });

  it('a 429 with retry-after: 5 pauses the provider fleet-wide for about 5 s, then the task goes on', async () => {
    a.enqueue(reply.status(429, { 'retry-after': '5' }), reply.text('after the reset'));
    const pauses = new MemoryProviderPauses();
    const h = request({ workdir: dir, pauses, config: config({ providers: [provider('lan', a.url)] }), task: { prompt: 'x' } });
    const started = Date.now();
    const running = createAgent('llm', { cooldowns: new CooldownRegistry() }).run(h.req);
    await new Promise((r) => setTimeout(r, 500));
    const until = await pauses.pausedUntil('lan');
    expect(until - started).toBeGreaterThanOrEqual(4900);
    expect(until - started).toBeLessThan(6500);
    expect((await running).summary).toBe('after the reset');
    const gap = Date.now() - started;
    expect(gap).toBeGreaterThanOrEqual(4900);
    expect(gap).toBeLessThan(8000);
  });
});

// The real Gemini CLI (npm @google/gemini-cli 0.61.0, a devDependency; a bundle of JavaScript,
// nothing downloaded) run offline against the Gemini API stand-in, pointed there only by the
// provider config (api: gemini): proves the arguments and environment we give it work, and
// that the event format we parse is what this version prints. Gemini CLI runs as root.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CooldownRegistry, createAgent, MemoryProviderPauses } from '@agentfleet/agents';
import { removeDir, reply, repoRoot, startGeminiStandin, tempDir, type GeminiStandin } from '@agentfleet/testkit';
import { config, provider, request } from './helpers.js';

const GEMINI = join(repoRoot, 'node_modules/.bin/gemini');
const present = existsSync(GEMINI);
if (!present && process.env.CI === 'true') throw new Error(`missing prerequisite under CI: ${GEMINI} (npm ci installs @google/gemini-cli)`);

describe.skipIf(!present)('real gemini CLI against the stand-in', () => {
  let standin: GeminiStandin;
  let dir: string;
  beforeAll(async () => {
    standin = await startGeminiStandin();
    dir = tempDir('agents-gemini-real');
  });
  afterAll(async () => {
    await standin.close();
    removeDir(dir);
  });

  const cfg = () =>
    config({
      providers: [provider('gem', standin.url, { api: 'gemini', apiKeyEnv: 'GEM_KEY', timeoutMs: 20_000 })],
      pricing: { 'standin-small': { input: 1, cachedInput: 0.5, output: 2 } },
    });

  it('runs a tool and answers; its events, usage and final message are read; the endpoint and key come from the provider', async () => {
    standin.enqueue(reply.tool('run_shell_command', { command: 'echo hello from gemini > greeting.txt', description: 'write it' }, { prompt: 1000, completion: 40, cached: 200 }), reply.text('Wrote greeting.txt.', { prompt: 1200, completion: 10 }));
    const env = { PATH: process.env.PATH, HOME: dir, GEM_KEY: 'gem-key' };
    const h = request({ workdir: dir, config: cfg(), env, task: { agent: 'gemini', prompt: 'Write greeting.txt.' } });
    const result = await createAgent('gemini', { geminiBin: GEMINI, cooldowns: new CooldownRegistry() }).run(h.req);

    expect(result).toMatchObject({ exit: 0, summary: 'Wrote greeting.txt.', provider: 'gem', model: 'standin-small' });
    expect(readFileSync(join(dir, 'greeting.txt'), 'utf8')).toBe('hello from gemini\n');
    expect(result.usage).toEqual(standin.billed);
    expect(result.usage).toEqual({ input: 2200, cachedInput: 200, output: 50 });
    expect(result.costUsd).toBeCloseTo((2000 * 1 + 200 * 0.5 + 50 * 2) / 1e6, 12);
    const calls = standin.modelRequests;
    expect(calls).toHaveLength(2);
    expect(calls[0]!.path).toBe('/v1beta/models/standin-small:streamGenerateContent');
    expect(calls[0]!.headers['x-goog-api-key']).toBe('gem-key');
    expect(h.events).toContainEqual({ type: 'tool_call', name: 'run_shell_command', args: 'echo hello from gemini > greeting.txt' });
    expect(h.events).toContainEqual({ type: 'message', text: 'Wrote greeting.txt.' });
    // its per-job home is gone afterwards
    expect(existsSync(join(dir, '.agentfleet', 'gemini-homes'))).toBe(true);
    expect(readdirSync(join(dir, '.agentfleet', 'gemini-homes'))).toEqual([]);
  });

  it('while gemini retries a 429 itself, the provider is paused fleet-wide for the delay the API suggested', async () => {
    standin.reset();
    standin.enqueue(reply.status(429, { 'retry-after': '2' }, 'Resource has been exhausted (e.g. check quota).'), reply.text('after the retry', { prompt: 100, completion: 5 }));
    const pauses = new MemoryProviderPauses();
    const set: { provider: string; until: number; reason?: string; at: number }[] = [];
    const recording = { pausedUntil: (p: string) => pauses.pausedUntil(p), pause: (provider: string, until: number, reason?: string) => (set.push({ provider, until, reason, at: Date.now() }), pauses.pause(provider, until, reason)) };
    const h = request({ workdir: dir, pauses: recording, config: cfg(), env: { PATH: process.env.PATH, HOME: dir, GEM_KEY: 'gem-key' }, task: { agent: 'gemini', prompt: 'x' } });
    const result = await createAgent('gemini', { geminiBin: GEMINI, cooldowns: new CooldownRegistry() }).run(h.req);
    expect(result).toMatchObject({ exit: 0, summary: 'after the retry' });
    expect(set.map((p) => [p.provider, p.reason])).toEqual([['gem', '429 from gem (gemini retries)']]);
    expect(set[0]!.until - set[0]!.at).toBeGreaterThan(1990);
    expect(set[0]!.until - set[0]!.at).toBeLessThanOrEqual(2000);
    expect(standin.modelRequests.length).toBe(2);
    expect(h.events.some((e) => e.type === 'output' && e.stream === 'stderr' && /Suggested retry after 2s/.test(e.text))).toBe(true);
  }, 60_000);
});

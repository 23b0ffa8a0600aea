// The real Codex CLI (npm @openai/codex, a devDependency: its native binary comes from the
// registry as an optional dependency, nothing is downloaded by an install script) run offline
// against the OpenAI stand-in's responses API: proves the argv we build is accepted and the
// event format we parse is what this version prints.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WaitRequest } from '@agentfleet/core';
import { CooldownRegistry, createAgent, MemoryProviderPauses } from '@agentfleet/agents';
import { removeDir, repoRoot, reply, startStandin, tempDir, type OpenAIStandin } from '@agentfleet/testkit';
import { config, provider, request } from './helpers.js';

const CODEX = join(repoRoot, 'node_modules/.bin/codex');
const present = existsSync(CODEX);
if (!present && process.env.CI === 'true') throw new Error(`missing prerequisite under CI: ${CODEX} (npm ci installs @openai/codex)`);

describe.skipIf(!present)('real codex CLI against the stand-in', () => {
  let standin: OpenAIStandin;
  let dir: string;
  beforeAll(async () => {
    standin = await startStandin();
    dir = tempDir('agents-codex-real');
  });
  afterAll(async () => {
    await standin.close();
    removeDir(dir);
  });

  it('runs codex exec --json through our provider config and reads its events, usage and last message', async () => {
    // a worktree-shaped workdir, so the git dirs go out as --add-dir (writable in the sandbox)
    const gitdir = join(dir, 'repo.git', 'worktrees', 'work');
    mkdirSync(gitdir, { recursive: true });
    writeFileSync(join(gitdir, 'commondir'), '../..\n');
    const workdir = join(dir, 'work');
    mkdirSync(workdir);
    writeFileSync(join(workdir, '.git'), `gitdir: ${gitdir}\n`);
    writeFileSync(join(workdir, 'README.md'), '# demo\n');
    standin.enqueue(reply.text('DONE from the stand-in', { prompt: 120, completion: 8, cached: 30 }));
    const cfg = config({
      providers: [provider('standin', standin.url, { api: 'responses', apiKeyEnv: 'STANDIN_KEY', timeoutMs: 20_000 })],
      pricing: { 'standin-small': { input: 1, cachedInput: 0.5, output: 2 } },
    });
    const env = { PATH: process.env.PATH, HOME: dir, STANDIN_KEY: 'test-key' };
    const h = request({ workdir, config: cfg, env, task: { agent: 'codex', prompt: 'Reply DONE.' } });
    const result = await createAgent('codex', { codexBin: CODEX, cooldowns: new CooldownRegistry() }).run(h.req);

    expect(result.exit).toBe(0);
    expect(result.summary).toBe('DONE from the stand-in');
    expect(result.usage).toEqual({ input: 120, cachedInput: 30, output: 8 });
    expect(result.costUsd).toBeCloseTo((90 * 1 + 30 * 0.5 + 8 * 2) / 1e6, 12);
    expect(result).toMatchObject({ provider: 'standin', model: 'standin-small' });
    const calls = standin.modelRequests;
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls[0]!.path).toBe('/v1/responses');
    expect(calls[0]!.body).toMatchObject({ model: 'standin-small', stream: true });
    expect(calls[0]!.headers.authorization).toBe('Bearer test-key');
    expect(JSON.stringify(calls[0]!.body.input)).toContain('Reply DONE.');
    expect(h.events).toContainEqual({ type: 'message', text: 'DONE from the stand-in' });
    expect(h.events.some((e) => e.type === 'step' && e.step === 'agent' && /^codex thread .+$/.test(e.detail ?? ''))).toBe(true);
  });

  it('a usage limit parks the task until the reset codex reports (to the minute); the provider is paused fleet-wide', async () => {
    standin.reset();
    const resetsAt = Date.now() + 3_600_000;
    standin.enqueue(reply.usageLimit(resetsAt));
    const pauses = new MemoryProviderPauses();
    const cfg = config({ providers: [provider('standin', standin.url, { api: 'responses', apiKeyEnv: 'STANDIN_KEY', timeoutMs: 20_000 })] });
    const h = request({ workdir: dir, pauses, config: cfg, env: { PATH: process.env.PATH, HOME: dir, STANDIN_KEY: 'k' }, task: { agent: 'codex', prompt: 'x' } });
    const wait = (await createAgent('codex', { codexBin: CODEX, cooldowns: new CooldownRegistry() }).run(h.req).catch((e: unknown) => e)) as WaitRequest;
    expect(wait).toBeInstanceOf(WaitRequest);
    expect(wait.wait.kind).toBe('usage_limit');
    expect(Math.abs(wait.wait.until! - resetsAt)).toBeLessThanOrEqual(60_000);
    expect(wait.wait.reason).toMatch(/^codex usage limit on standin; resets /);
    expect(await pauses.pausedUntil('standin')).toBe(wait.wait.until);
  });

  it('while codex retries a 429 itself, the provider is paused fleet-wide; the reset it does not report is the default', async () => {
    standin.reset();
    standin.respondWith(() => reply.status(429, { 'retry-after': '1' }, 'Rate limit reached for requests.'));
    const pauses = new MemoryProviderPauses();
    const cfg = config({ providers: [provider('standin', standin.url, { api: 'responses', apiKeyEnv: 'STANDIN_KEY', timeoutMs: 20_000 })] });
    const h = request({ workdir: dir, pauses, config: cfg, env: { PATH: process.env.PATH, HOME: dir, STANDIN_KEY: 'k' }, task: { agent: 'codex', prompt: 'x' } });
    const result = await createAgent('codex', { codexBin: CODEX, cooldowns: new CooldownRegistry() }).run(h.req);
    expect(result.exit).toBe(1);
    expect(result.summary).toMatch(/429 Too Many Requests/);
    expect(standin.modelRequests.length).toBeGreaterThan(1); // codex retried on its own
    const until = await pauses.pausedUntil('standin');
    expect(until).toBeGreaterThan(Date.now() + 20_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 30_000);
  }, 60_000);
});

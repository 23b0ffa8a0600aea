// The real Claude Code (npm @anthropic-ai/claude-code 2.1.197, a devDependency; its native
// binary comes from the registry as an optional dependency) through the whole pipeline: a
// host daemon and its worker, real git and Redis, configured only by a fleet.yaml whose
// provider says `api: anthropic`; the only fake is the model (the Anthropic Messages
// stand-in). Claude Code refuses to skip its permission prompts for root unless it runs in a
// sandbox: the root daemon runs it inside the fleet's bubblewrap sandbox (IS_SANDBOX=1, an
// unprivileged uid of its own user namespace); a daemon of an unprivileged unix user made for
// the test sandboxes it too (the usage-limit test); `sandbox: none` as root shows the clear failure.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeRunId, parseConfig, parsePlan, type FleetConfig } from '@agentfleet/core';
import type { FleetStore, RunConfig, RunReport } from '@agentfleet/store';
import { initRepository, showFile } from '@agentfleet/workspace';
import {
  chownTree, ensureBuilt, ensureUnixUser, isRoot, removeDir, reply, repoRoot, requireBinaries, runEnded, startAnthropicStandin, tempDir, TestHostd, testStore, userTempDir,
  type AnthropicStandin, type RecordedRequest, type StandinReply, type UnixUser,
} from '@agentfleet/testkit';

const CLAUDE = join(repoRoot, 'node_modules/.bin/claude');
const ok = requireBinaries('redis-server', 'git') && existsSync(CLAUDE) && isRoot;
if (!ok && process.env.CI === 'true') throw new Error(`missing prerequisite under CI: ${existsSync(CLAUDE) ? 'root (to create the test user)' : `${CLAUDE} (npm ci installs @anthropic-ai/claude-code)`}`);
// the result branches belong to the test user; git run by root here reads them anyway
Object.assign(process.env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' });

const KEY = `sk-ant-standin-${process.pid}`;
const OAUTH = `sk-ant-oat01-standin-${process.pid}`;
const PRICE = { input: 3, cachedInput: 0.3, output: 15 };

let user: UnixUser;
let standin: AnthropicStandin;
let store: FleetStore;
let daemon: TestHostd;
let rootStore: FleetStore;
let rootDaemon: TestHostd;
let rootRepo: { url: string; base: string };
let work: string;
let origin: string;
let base: string;

/** The fleet.yaml a user writes: the gateway (or a subscription token) for claude, its models and prices. */
function fleetYaml(keyVar: string): RunConfig {
  const file = join(work, `fleet-${keyVar}.yaml`);
  writeFileSync(
    file,
    `providers:\n  - name: gateway\n    api: anthropic\n    baseURL: "${standin.url}"\n    apiKeyEnv: ${keyVar}\n    models: { low: standin-small, high: standin-large }\n` +
      `pricing:\n  standin-small: { input: ${PRICE.input}, cachedInput: ${PRICE.cachedInput}, output: ${PRICE.output} }\n`,
  );
  const c: FleetConfig = parseConfig(readFileSync(file, 'utf8'), file);
  return { providers: c.providers, pricing: c.pricing, budgets: c.budgets, git: c.git };
}

async function run(s: FleetStore, planYaml: string, config: RunConfig, repo = { url: origin, base }): Promise<RunReport> {
  const plan = parsePlan(planYaml, 'plan.yaml');
  plan.repo = { url: repo.url, ref: 'main' };
  const runId = makeRunId(new Date());
  await s.runs.submit(plan, { runId, schedule: 'deps', failFast: false, baseCommit: repo.base, config });
  await runEnded(s, runId, 90_000);
  return JSON.parse(JSON.stringify(await s.read.report(runId))) as RunReport;
}

/** Claude's two turns for "write greeting.txt": a Bash tool call, then the final answer. */
function greetingTurns(command = 'echo hello from claude > greeting.txt'): StandinReply[] {
  return [
    { kind: 'reply', toolCalls: [{ name: 'Bash', arguments: { command, description: 'write the greeting' } }], usage: { prompt: 1000, completion: 50, cached: 200 } },
    reply.text('Created greeting.txt.', { prompt: 1300, completion: 20, cached: 1000 }),
  ];
}

const claudePlan = (id: string, extra = '') => `name: claude-e2e\ntasks:\n  - id: ${id}\n    agent: claude\n    complexity: low\n    retries: 0\n    prompt: Write greeting.txt saying hello.\n${extra}`;

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  user = ensureUnixUser('afclaude');
  standin = await startAnthropicStandin();
  store = testStore('claude-e2e', inject('redisUrl'));
  work = userTempDir('claude-e2e', user);
  origin = join(work, 'origin');
  base = await initRepository(origin, { 'README.md': '# demo\n' });
  chownTree(work, user);
  daemon = new TestHostd({ redisUrl: inject('redisUrl'), prefix: store.prefix, slots: 1, user, env: { GATEWAY_KEY: KEY, CLAUDE_CODE_OAUTH_TOKEN: OAUTH, AGENTFLEET_CLAUDE_BIN: CLAUDE } });
  // the daemon as root, as most hosts run it: claude runs inside the sandbox only
  rootStore = testStore('claude-root', inject('redisUrl'));
  rootDaemon = new TestHostd({ redisUrl: inject('redisUrl'), prefix: rootStore.prefix, slots: 1, env: { GATEWAY_KEY: KEY, CLAUDE_CODE_OAUTH_TOKEN: OAUTH, AGENTFLEET_CLAUDE_BIN: CLAUDE } });
  const rootOrigin = join(tempDir('claude-root-repo'), 'origin');
  rootRepo = { url: rootOrigin, base: await initRepository(rootOrigin, { 'README.md': '# demo\n' }) };
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await Promise.all([daemon.stopAndCleanup(15_000), rootDaemon.stopAndCleanup(15_000)]);
  await Promise.all([store.close(), rootStore.close()]);
  removeDir(dirname(rootRepo.url));
  await standin.close();
  removeDir(work);
});

describe.runIf(ok)('real claude through the fleet', () => {
  it('runs a task end to end against the Anthropic stand-in, configured only by fleet.yaml, as root inside the sandbox', async () => {
    standin.reset();
    // what claude's Bash tool sees: its uid, and the names of its variables
    standin.enqueue(...greetingTurns('echo hello from claude > greeting.txt && id -u > uid.txt && env | cut -d= -f1 | sort > names.txt'));
    const report = await run(rootStore, claudePlan('greet'), fleetYaml('GATEWAY_KEY'), rootRepo);
    const t = report.tasks[0]!;
    expect(t.status, `${JSON.stringify(t.error)}\n${rootDaemon.log.slice(-3000)}`).toBe('succeeded');
    expect(t).toMatchObject({ provider: 'gateway', model: 'standin-small', summary: 'Created greeting.txt.' });
    expect(t.history[0]).toMatchObject({ sandbox: 'bwrap', network: 'full' });
    expect(await showFile(rootRepo.url, t.branch!, 'greeting.txt')).toBe('hello from claude\n');
    // an unprivileged uid of the sandbox's user namespace; claude told it is in a sandbox; the
    // gateway's key under the name claude reads, and no other secret of the daemon
    expect(await showFile(rootRepo.url, t.branch!, 'uid.txt')).toBe('1000\n');
    const names = (await showFile(rootRepo.url, t.branch!, 'names.txt'))!.trim().split('\n');
    expect(names).toEqual(expect.arrayContaining(['IS_SANDBOX', 'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL']));
    for (const other of ['GATEWAY_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'REDIS_URL']) expect(names).not.toContain(other);
    const steps = (await rootStore.transcripts.all({ runId: report.run.id, taskId: 'greet', attempt: 1 })).filter((e) => e.type === 'step');
    expect(steps).toContainEqual(expect.objectContaining({ step: 'sandbox', detail: expect.stringMatching(/^claude's own sandbox is off: the fleet's bubblewrap sandbox confines it/) }));
    // what the task recorded is what the stand-in billed, priced by fleet.yaml
    const billed = standin.billed;
    expect(billed).toEqual({ input: 2300, cachedInput: 1200, output: 70 });
    expect(t.usage).toEqual(billed);
    expect(t.costUsd).toBeCloseTo(((billed.input - billed.cachedInput) * PRICE.input + billed.cachedInput * PRICE.cachedInput + billed.output * PRICE.output) / 1e6, 9);
    const calls = standin.modelRequests;
    expect(calls).toHaveLength(2);
    expect(calls.every((c: RecordedRequest) => c.path === '/v1/messages' && c.headers['x-api-key'] === KEY && c.body.model === 'standin-small')).toBe(true);
    const stored = JSON.stringify([await rootStore.redis.hgetall(rootStore.keys.run(report.run.id)), await rootStore.redis.hgetall(rootStore.keys.task(report.run.id, 'greet'))]);
    expect(stored).not.toContain(KEY);
  });

  it('a usage limit parks the task and frees the slot for another task; after the reset it resumes and succeeds, no retry spent (a daemon of an unprivileged user, sandboxed too)', async () => {
    standin.reset();
    const resetsAt = Date.now() + 4000;
    standin.enqueue(reply.usageLimit(resetsAt), ...greetingTurns());
    const plan = `${claudePlan('limited', '    estimate: 30m\n')}  - id: other\n    agent: shell\n    estimate: 1m\n    run: echo other ran\n`;
    const report = await run(store, plan, fleetYaml('CLAUDE_CODE_OAUTH_TOKEN'));
    const limited = report.tasks.find((t) => t.id === 'limited')!;
    const other = report.tasks.find((t) => t.id === 'other')!;
    expect(limited.status, `${JSON.stringify(limited.error)}\n${daemon.log.slice(-3000)}`).toBe('succeeded');
    expect(other.status).toBe('succeeded');
    expect(limited.history.map((h) => h.status)).toEqual(['parked', 'succeeded']);
    expect(limited.history[1]).toMatchObject({ sandbox: 'bwrap' });
    const parked = limited.history[0]!;
    expect(parked.wait).toMatchObject({ kind: 'usage_limit', until: Math.floor(resetsAt / 1000) * 1000 });
    expect(parked.wait!.reason).toMatch(/claude usage limit \(five_hour\) on gateway; resets /);
    // the slot ran the other task while the claude task waited, and the claude task resumed only after the reset
    expect(Date.parse(other.startedAt!)).toBeGreaterThanOrEqual(Date.parse(parked.finishedAt));
    expect(Date.parse(limited.history[1]!.startedAt)).toBeGreaterThanOrEqual(Math.floor(resetsAt / 1000) * 1000);
    expect(await showFile(origin, limited.branch!, 'greeting.txt')).toBe('hello from claude\n');
    expect(standin.modelRequests[0]!.headers.authorization).toBe(`Bearer ${OAUTH}`);
    const paused = (await store.notices.after('0')).filter((n) => n.type === 'provider_paused');
    expect(paused.map((n) => [n.fields.provider, n.fields.reason])).toContainEqual(['gateway', 'claude usage limit (five_hour)']);
  });

  it('as root outside the sandbox (sandbox: none), a claude task fails at once with the reason, its retries unspent', async () => {
    standin.reset();
    const report = await run(rootStore, claudePlan('as-root', '    sandbox: none\n').replace('retries: 0', 'retries: 2'), fleetYaml('GATEWAY_KEY'), rootRepo);
    const t = report.tasks[0]!;
    expect(t.status).toBe('failed');
    expect(t.attempts).toBe(1);
    expect(t.error!.kind).toBe('agent_unusable');
    expect(t.error!.message).toMatch(/claude cannot run as root outside the fleet sandbox: Claude Code refuses --permission-mode bypassPermissions .*keep the task in the sandbox \(sandbox: bwrap\) or run the host daemon as an unprivileged user/);
    expect(standin.modelRequests).toHaveLength(0);
  });
});

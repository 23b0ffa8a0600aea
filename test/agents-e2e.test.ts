// Agents through the real pipeline: a host daemon and its worker, real git repositories and
// Redis; the only fake is the model (the OpenAI stand-in). The run's config (providers,
// pricing, budgets) reaches the worker through the run record; the API key only through the
// daemon's environment.
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { configSchema, makeRunId, parsePlan, type FleetConfig } from '@agentfleet/core';
import type { FleetStore, RunConfig, RunReport } from '@agentfleet/store';
import { initRepository, showFile } from '@agentfleet/workspace';
import { ensureBuilt, pidsWithArg, removeDir, reply, requireBinaries, runEnded, startStandin, tempDir, TestHostd, testStore, type OpenAIStandin } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
const SECRET = `sk-standin-${process.pid}`;

let standin: OpenAIStandin;
let store: FleetStore;
let daemon: TestHostd;
let repoDir: string;
let base: string;

/** Providers and prices as fleet.yaml would give them; `budgets` varies per run. */
function runConfig(budgets: FleetConfig['budgets'] = {}): RunConfig {
  const c = configSchema.parse({
    providers: [{ name: 'standin', baseURL: standin.url, apiKeyEnv: 'STANDIN_KEY', models: { low: 'standin-small', medium: 'standin-small', high: 'standin-large' }, timeoutMs: 20_000 }],
    pricing: { 'standin-small': { input: 1, output: 2 } },
    budgets,
  });
  return { providers: c.providers, pricing: c.pricing, budgets: c.budgets, git: c.git };
}

/** Submits a plan (YAML as a user writes it) and waits for the run to end. */
async function run(planYaml: string, config: RunConfig, withRepo = false): Promise<RunReport> {
  const plan = parsePlan(planYaml, 'plan.yaml');
  if (withRepo) plan.repo = { url: repoDir, ref: 'main' };
  const runId = makeRunId(new Date());
  await store.runs.submit(plan, { runId, schedule: 'deps', failFast: false, baseCommit: withRepo ? base : null, config });
  await runEnded(store, runId, 60_000);
  return JSON.parse(JSON.stringify(await store.read.report(runId))) as RunReport;
}

const task = (r: RunReport, id: string) => r.tasks.find((t) => t.id === id)!;

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  standin = await startStandin({ models: ['standin-small', 'standin-large'] });
  store = testStore('agents-e2e', inject('redisUrl'));
  repoDir = join(tempDir('agents-repo'), 'origin');
  base = await initRepository(repoDir, { 'README.md': '# demo\n\nHello.\n', 'src/index.js': 'export {};\n' });
  // One slot: the stand-in's script is served in order, so tasks must not interleave.
  daemon = new TestHostd({ redisUrl: inject('redisUrl'), prefix: store.prefix, slots: 1, env: { STANDIN_KEY: SECRET } });
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await daemon.stopAndCleanup(10_000);
  await store.close();
  await standin.close();
  removeDir(dirname(repoDir));
});

describe.runIf(ok)('agents through the pipeline', () => {
  it('the llm agent lists, writes, patches, runs a command and finishes; the branch holds the work; the report shows usage and cost', async () => {
    standin.reset();
    const turn = { prompt: 1000, completion: 100 };
    standin.enqueue(
      reply.tool('list_files', {}, turn),
      reply.tool('write_file', { path: 'src/add.js', content: 'export const add = (a, b) => a + b;\n' }, turn),
      reply.tool('apply_patch', { patch: '--- a/README.md\n+++ b/README.md\n@@ -1,3 +1,4 @@\n # demo\n \n Hello.\n+Patched by the agent.\n' }, turn),
      reply.tool('run_command', { command: 'ls src > listing.txt' }, turn),
      reply.tool('finish', { summary: 'added add.js' }, turn),
    );
    const report = await run('name: llm-e2e\ntasks:\n  - id: build\n    agent: llm\n    complexity: low\n    prompt: Add src/add.js and mention it in the README.\n', runConfig(), true);
    const t = task(report, 'build');
    expect(t.status, JSON.stringify(t.error)).toBe('succeeded');
    expect(t).toMatchObject({ provider: 'standin', model: 'standin-small', usage: { input: 5000, cachedInput: 0, output: 500 }, costUsd: 0.006 });
    expect(report.totals.costUsd).toBeCloseTo(0.006, 9);
    expect(t.branch).toBe(`fleet/${report.run.id}/build`);
    expect(await showFile(repoDir, t.branch!, 'src/add.js')).toBe('export const add = (a, b) => a + b;\n');
    expect(await showFile(repoDir, t.branch!, 'README.md')).toBe('# demo\n\nHello.\nPatched by the agent.\n');
    expect(await showFile(repoDir, t.branch!, 'listing.txt')).toBe('add.js\nindex.js\n');
    // The tool results went back to the model; the key came from the daemon's environment only.
    const calls = standin.modelRequests;
    expect(calls).toHaveLength(5);
    expect(JSON.stringify(calls[1]!.body.messages)).toContain('README.md');
    expect(calls.every((c) => c.headers.authorization === `Bearer ${SECRET}`)).toBe(true);
    const stored = [await store.redis.hgetall(store.keys.run(report.run.id)), await store.redis.hgetall(store.keys.task(report.run.id, 'build'))];
    expect(JSON.stringify(stored)).toContain(standin.url);
    expect(JSON.stringify([stored, report])).not.toContain(SECRET);
  });

  it('perTaskTokens stops the agent mid-run: budget_exceeded, no retry, the spend still recorded', async () => {
    standin.reset();
    standin.enqueue(
      reply.tool('write_file', { path: 'a.txt', content: 'a\n' }, { prompt: 1000, completion: 100 }),
      reply.tool('write_file', { path: 'b.txt', content: 'b\n' }, { prompt: 1200, completion: 100 }),
      reply.tool('finish', { summary: 'never reached' }),
    );
    const report = await run('name: budget\ntasks:\n  - id: big\n    agent: llm\n    retries: 2\n    prompt: Write two files.\n', runConfig({ perTaskTokens: 1500 }));
    const t = task(report, 'big');
    expect(t.status).toBe('failed');
    expect(t.error).toMatchObject({ kind: 'budget_exceeded' });
    expect(t.error!.message).toMatch(/2400 tokens, over its budget of 1500/);
    expect(t.attempts).toBe(1);
    expect(standin.pending).toBe(1);
    expect(t.usage).toEqual({ input: 2200, cachedInput: 0, output: 200 });
  });

  it('a task that prints nothing and changes nothing for its stall_timeout is killed and retried (stalled)', async () => {
    const report = await run('name: stall\ntasks:\n  - id: quiet\n    agent: shell\n    run: sleep 41.3\n    stall_timeout: 1s\n    retries: 1\n', runConfig());
    const t = task(report, 'quiet');
    expect(t.status).toBe('failed');
    expect(t.attempts).toBe(2);
    expect(t.error).toMatchObject({ kind: 'stalled' });
    expect(t.error!.message).toMatch(/no agent output and no file change/);
    expect(pidsWithArg('sleep 41.3')).toEqual([]);
  });

  it('the review loop runs revise then approve; the verdicts are in the report', async () => {
    standin.reset();
    standin.enqueue(
      reply.tool('write_file', { path: 'src/calc.js', content: 'export const add = (a, b) => a - b;\n' }),
      reply.tool('finish', { summary: 'added calc.js' }),
      reply.text('{"verdict":"revise","issues":[{"severity":"error","file":"src/calc.js","note":"add subtracts"}]}'),
      reply.tool('write_file', { path: 'src/calc.js', content: 'export const add = (a, b) => a + b;\n' }),
      reply.tool('finish', { summary: 'fixed add' }),
      reply.text('{"verdict":"approve","issues":[]}'),
    );
    const plan =
      'name: reviewed\ntasks:\n  - id: calc\n    agent: llm\n    prompt: Write src/calc.js exporting add(a, b).\n' +
      '    review: { agent: llm, prompt: Check that add adds., rounds: 2 }\n';
    const report = await run(plan, runConfig(), true);
    const t = task(report, 'calc');
    expect(t.status, JSON.stringify(t.error)).toBe('succeeded');
    expect(t.review).toEqual([
      { round: 1, verdict: 'revise', issues: [{ severity: 'error', file: 'src/calc.js', note: 'add subtracts' }] },
      { round: 2, verdict: 'approve', issues: [] },
    ]);
    // The reviewer read the diff; the builder's second run read the review.
    const calls = standin.modelRequests.map((c) => JSON.stringify(c.body.messages));
    expect(calls[2]).toContain('a - b');
    expect(calls[3]).toContain('add subtracts');
    expect(await showFile(repoDir, t.branch!, 'src/calc.js')).toBe('export const add = (a, b) => a + b;\n');
    expect(t.usage).toEqual({ input: 60, cachedInput: 0, output: 30 });
  });
});

// Provider economics through the real pipeline (a host daemon with two workers, Redis, the
// built CLI); the only fake is the model (the OpenAI stand-in): a 429's pause holds every
// worker off for as long as the provider said, a cap keeps requests in flight at most that
// many, a run pauses at its budget until `fleet budget --raise`, and the report's totals are
// what the stand-in billed for every attempt, however each ended.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { configSchema, makeRunId, parsePlan, type FleetConfig } from '@agentfleet/core';
import type { FleetStore, RunConfig, RunReport } from '@agentfleet/store';
import { byTask, ensureBuilt, removeDir, reply, requireBinaries, runEnded, runFleetOk, startStandin, tempDir, TestHostd, testStore, waitFor, type OpenAIStandin, type StandinReply } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
const PRICE = { input: 1, output: 2 };
const TURN = { prompt: 2000, completion: 500 }; // $0.003 a turn at PRICE

let standin: OpenAIStandin;
let store: FleetStore;
let daemon: TestHostd;
let home: string;
let fleetYaml: string;

function runConfig(extra: { provider?: Record<string, unknown>; budgets?: FleetConfig['budgets'] } = {}): RunConfig {
  const c = configSchema.parse({
    providers: [{ name: 'lan', baseURL: standin.url, models: { low: 'standin-small', medium: 'standin-small', high: 'standin-small' }, timeoutMs: 20_000, ...extra.provider }],
    pricing: { 'standin-small': PRICE },
    budgets: extra.budgets ?? {},
  });
  return { providers: c.providers, pricing: c.pricing, budgets: c.budgets, git: c.git };
}

async function submit(planYaml: string, config: RunConfig): Promise<string> {
  const runId = makeRunId(new Date());
  await store.runs.submit(parsePlan(planYaml, 'plan.yaml'), { runId, schedule: 'deps', failFast: false, baseCommit: null, config });
  return runId;
}

async function report(runId: string): Promise<RunReport> {
  return JSON.parse(JSON.stringify(await store.read.report(runId))) as RunReport;
}

const cost = (u: { input: number; cachedInput: number; output: number }) => (u.input * PRICE.input + u.output * PRICE.output) / 1e6;
const llmTask = (id: string, extra = '') => `  - id: ${id}\n    agent: llm\n    complexity: low\n    retries: 0\n    prompt: Do ${id}.\n${extra}`;
const sleepFor = (s: number): StandinReply => reply.tool('run_command', { command: `sleep ${s}` }, TURN);

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  standin = await startStandin({ serviceMs: 150 });
  store = testStore('economics-e2e', inject('redisUrl'));
  home = tempDir('economics-cli');
  fleetYaml = join(home, 'fleet.yaml');
  // the CLI's view of this fleet: its Redis and prefix, the daemon's host (so no local daemon is started)
  writeFileSync(fleetYaml, `redis: { url: "${inject('redisUrl')}", prefix: "${store.prefix}" }\nhosts:\n  - name: h1\n    slots: 2\n`);
  daemon = new TestHostd({ redisUrl: inject('redisUrl'), prefix: store.prefix, slots: 2 });
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await daemon.stopAndCleanup(10_000);
  await store.close();
  await standin.close();
  removeDir(home);
});

const cli = (args: string[]) => runFleetOk(['--config', fleetYaml, ...args], { env: { ...process.env, AGENTFLEET_HOME: home, REDIS_URL: undefined } });

describe.runIf(ok)('provider economics through the fleet', () => {
  it('a 429 with retry-after: 5 pauses every worker using the provider for about 5 s, not 60; both tasks then succeed', async () => {
    standin.reset();
    // a meets the 429 on its second request, a second after both began (so b's first request
    // is surely before it, however late b's worker starts); b is busy with a command meanwhile,
    // and its next request falls inside the pause
    standin.respondWith(byTask({ a: [sleepFor(1), reply.status(429, { 'retry-after': '5' }), reply.text('a done', TURN)], b: [sleepFor(3), reply.text('b done', TURN)] }));
    const runId = await submit(`name: ratelimit\ntasks:\n${llmTask('a')}${llmTask('b')}`, runConfig());
    const limited = await waitFor('the 429 to pause the provider', async () => (await store.pauses.list())[0], 30_000, 50);
    expect(limited).toMatchObject({ provider: 'lan', reason: '429 from lan' });

    expect(await runEnded(store, runId, 60_000)).toBe('succeeded');
    const calls = standin.modelRequests;
    // a's second request met the 429
    const first429 = calls.filter((c) => JSON.stringify(c.body.messages).includes("Task 'a'"))[1]!;
    const pausedFor = limited.until - first429.at;
    expect(pausedFor).toBeGreaterThanOrEqual(4500);
    expect(pausedFor).toBeLessThan(6500);
    // nothing reached the provider while it was paused; everything that waited went on after it
    const during = calls.filter((c) => c.at > first429.at + 200 && c.at < limited.until - 100);
    expect(during).toEqual([]);
    expect(calls.filter((c) => c.at >= limited.until - 100).length).toBeGreaterThanOrEqual(2);
    const notices = (await store.notices.after('0')).filter((n) => n.type === 'provider_paused');
    expect(notices.map((n) => n.fields.provider)).toEqual(['lan']);
  });

  it('maxConcurrent: 1 keeps one request in flight across both workers; the wait is counted for the monitor', async () => {
    standin.reset();
    standin.figures.maxInFlight = 0;
    standin.respondWith(byTask({ c: [reply.text('c done', TURN)], d: [reply.text('d done', TURN)] }));
    const runId = await submit(`name: capped\ntasks:\n${llmTask('c')}${llmTask('d')}`, runConfig({ provider: { maxConcurrent: 1 } }));
    expect(await runEnded(store, runId, 60_000)).toBe('succeeded');
    expect(standin.modelRequests).toHaveLength(2);
    expect(standin.figures.maxInFlight).toBe(1);
    const stats = await store.figures.readStats();
    expect(stats.permitWaits.find((w) => w.provider === 'lan')?.count).toBeGreaterThanOrEqual(1);
  });

  it('a run at its budget pauses with tasks still waiting; fleet budget --raise finishes it; the total is what was billed', async () => {
    standin.reset();
    standin.respondWith(byTask({ first: [reply.tool('write_file', { path: 'x.txt', content: 'x\n' }, TURN), reply.text('first done', TURN)], second: [reply.text('second done', TURN)], third: [reply.text('third done', TURN)] }));
    const plan = `name: budgeted\ntasks:\n${llmTask('first')}${llmTask('second', '    deps: [first]\n')}${llmTask('third', '    deps: [first]\n')}  - id: check\n    agent: shell\n    deps: [first]\n    run: "true"\n`;
    const runId = await submit(plan, runConfig({ budgets: { perRunUsd: 0.005 } }));
    await waitFor('the run to pause with both model tasks parked', async () => {
      const run = await store.read.get(runId);
      return run.status === 'paused' && run.counts.parked === 2 && run.counts.succeeded === 2 ? run : undefined;
    }, 60_000, 100);
    const waiting = await store.waits.list(runId);
    expect(waiting.map((w) => [w.taskId, w.kind, w.until]).sort()).toEqual([['second', 'budget', null], ['third', 'budget', null]]);
    expect(standin.modelRequests).toHaveLength(2); // nothing new was asked of the model
    const status = await cli(['status', runId]);
    expect(status).toMatch(/status\s+paused/);
    expect(status).toMatch(/spend\s+spent \$0\.006 of \$0\.005 \(paused at its budget: fleet budget r[\w-]+ --raise USD resumes it\)/);
    expect(status).toMatch(/second: parked \(budget\) until woken — run r[\w-]+ reached its budget of \$0\.005/);
    expect((await store.notices.after('0')).filter((n) => n.type === 'budget_reached' && n.fields.runId === runId)).toHaveLength(1);

    const raised = await cli(['budget', runId, '--raise', '1']);
    expect(raised).toMatch(/budget raised to \$1\.00 \(spent \$0\.006\), running; 2 waiting tasks queued again: (second, third|third, second)/);
    expect(await runEnded(store, runId, 60_000)).toBe('succeeded');
    const r = await report(runId);
    expect(r.totals.costUsd).toBeCloseTo(cost(standin.billed), 9);
    expect(r.tasks.find((t) => t.id === 'second')!.history.map((h) => h.status)).toEqual(['parked', 'succeeded']);
  });

  it('fleet status and fleet hosts say what waits on which provider until when', async () => {
    const runId = await submit(`name: shown\ntasks:\n  - id: s\n    agent: shell\n    run: "true"\n`, runConfig());
    await runEnded(store, runId, 30_000);
    const until = Date.now() + 120_000;
    await store.pauses.pause('cloud', until, 'claude usage limit (five_hour)');
    const holder = await store.permits.acquire({ baseURL: 'http://10.0.0.9:11434/v1', provider: 'mini', limit: 1, mode: 'wait', signal: new AbortController().signal, holder: { runId, taskId: 's' } });
    const waiting = new AbortController();
    const waiter = store.permits.acquire({ baseURL: 'http://10.0.0.9:11434/v1', provider: 'mini', limit: 1, mode: 'wait', signal: waiting.signal, holder: { runId, taskId: 'next' } }).catch(() => null);
    await waitFor('the waiter', async () => (await store.permits.list()).find((p) => p.provider === 'mini')?.waiting === 1, 10_000, 50);
    try {
      const [status, hosts, json] = await Promise.all([cli(['status', runId]), cli(['hosts']), cli(['status', runId, '--json'])]);
      const paused = `cloud: paused until ${new Date(until).toISOString()} \\(in 1\\d\\d s\\) — claude usage limit \\(five_hour\\)`;
      expect(status).toMatch(new RegExp(`providers\\s+${paused}`));
      expect(status).toMatch(/mini: 1\/1 permits in use, 1 waiting \(next\)/);
      expect(hosts).toMatch(new RegExp(`\\nproviders\\n\\s+${paused}`));
      expect(hosts).toMatch(new RegExp(`mini: 1/1 permits in use, 1 waiting \\(${runId}/next\\)`));
      const parsed = JSON.parse(json) as { providers: { pauses: { provider: string; until: number }[]; permits: { provider: string; inUse: number; waiting: number }[] } };
      expect(parsed.providers.pauses).toContainEqual(expect.objectContaining({ provider: 'cloud', until }));
      expect(parsed.providers.permits).toContainEqual(expect.objectContaining({ provider: 'mini', inUse: 1, waiting: 1 }));
    } finally {
      waiting.abort(new Error('done'));
      await waiter;
      await holder!.release();
    }
  });

  it('fleet plan show plans for the slots of the fleet it reaches; with no fleet it says it took the default', async () => {
    const plan = join(home, 'fan.yaml');
    writeFileSync(plan, `name: fan\ntasks:\n${['a', 'b', 'c', 'd'].map((id) => `  - id: ${id}\n    agent: noop\n    estimate: 10m\n`).join('')}`);
    const live = join(home, 'live.yaml');
    writeFileSync(live, `redis: { url: "${inject('redisUrl')}", prefix: "${store.prefix}" }\n`);
    const env = { ...process.env, AGENTFLEET_HOME: home, REDIS_URL: undefined };
    const json = JSON.parse(await runFleetOk(['--config', live, 'plan', 'show', plan, '--json'], { env })) as { slots: number; slotsFrom: string; predictedMinutes: { deps: number } };
    expect(json).toMatchObject({ slots: 2, slotsFrom: 'fleet', predictedMinutes: { deps: 20 } });
    expect(await runFleetOk(['--config', live, 'plan', 'show', plan], { env })).toMatch(/2 slots: the fleet's hosts that are up now/);
    const none = join(home, 'none.yaml');
    writeFileSync(none, 'redis: { url: "redis://127.0.0.1:1" }\n');
    const fallback = await runFleetOk(['--config', none, 'plan', 'show', plan], { env });
    expect(fallback).toMatch(/predicted makespan on 18 slots/);
    expect(fallback).toMatch(/18 slots: the default: no fleet reachable and no hosts in fleet.yaml; --slots N plans for another count/);
  });

  it('every attempt counts, whatever its end: retried, failed, stalled, timed out and cancelled attempts are in the totals as billed', async () => {
    standin.reset();
    standin.respondWith(
      byTask({
        retried: [reply.tool('list_files', {}, TURN), reply.status(400, {}, 'bad request'), reply.text('retried done', TURN)],
        failed: [reply.tool('list_files', {}, TURN), reply.status(400, {}, 'bad request')],
        stalled: [sleepFor(30)],
        slow: [sleepFor(30)],
        cancelled: [sleepFor(30)],
      }),
    );
    const plan =
      `name: accounting\ntasks:\n${llmTask('retried').replace('retries: 0', 'retries: 1\n    backoff: 0s')}${llmTask('failed')}` +
      `${llmTask('stalled', '    stall_timeout: 1s\n')}${llmTask('slow', '    timeout: 2s\n')}`;
    const runId = await submit(plan, runConfig());
    const cancelRun = await submit(`name: cancelled\ntasks:\n${llmTask('cancelled')}`, runConfig());
    await runEnded(store, runId, 60_000);
    await waitFor('the cancelled task to have spent a turn', () => standin.modelRequests.some((c) => JSON.stringify(c.body.messages).includes("Task 'cancelled'")), 30_000, 50);
    await new Promise((res) => setTimeout(res, 300));
    await cli(['cancel', cancelRun]);
    await runEnded(store, cancelRun, 30_000);
    await waitFor('the cancelled attempt to be recorded', async () => (await report(cancelRun)).tasks[0]!.history.length === 1, 15_000, 100);

    const r = await report(runId);
    const c = await report(cancelRun);
    const byId = Object.fromEntries([...r.tasks, ...c.tasks].map((t) => [t.id, t]));
    const turn = { input: TURN.prompt, cachedInput: 0, output: TURN.completion };
    const turns = (n: number) => ({ input: n * turn.input, cachedInput: 0, output: n * turn.output });
    expect(byId.retried).toMatchObject({ status: 'succeeded', attempts: 2, usage: turns(2) });
    expect(byId.retried!.history.map((h) => [h.status, h.usage.input, h.error?.kind ?? null])).toEqual([['retrying', 2000, 'agent_error'], ['succeeded', 2000, null]]);
    expect(byId.failed).toMatchObject({ status: 'failed', usage: turns(1) });
    expect(byId.stalled).toMatchObject({ status: 'failed', usage: turns(1), error: { kind: 'stalled' } });
    expect(byId.slow).toMatchObject({ status: 'failed', usage: turns(1), error: { kind: 'timeout' } });
    expect(byId.cancelled).toMatchObject({ status: 'cancelled', usage: turns(1) });
    expect(byId.cancelled!.history.map((h) => h.status)).toEqual(['cancelled']);

    // the totals are what the stand-in billed, the cancelled run included
    expect(standin.billed).toEqual(turns(6));
    expect(r.totals.costUsd + c.totals.costUsd).toBeCloseTo(cost(standin.billed), 9);
    const markdown = await cli(['report', runId]);
    expect(markdown).toMatch(/## Attempts that did not succeed/);
    expect(markdown).toMatch(/- \*\*stalled\*\* attempt 1 on h1-\d failed, stalled: .* — 2000\/500 tokens, \$0\.0030 \(standin-small\)/);
    expect(markdown).toMatch(/\| failed \| failed \| h1-\d \| 1 \| .* \| 2000\/500 \| \$0\.0030 \|/);
  });
});

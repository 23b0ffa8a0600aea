/// <reference lib="dom" />
// The web console in a real browser (Debian's chromium through playwright-core) during a real
// run: a host daemon with its workers, a git repository, Redis, and `fleet monitor` as a user
// starts it. The run page draws every task with its status colour and follows the run live; a
// task page shows a transcript line while the agent still runs (held at a gate) and the diff of a finished task;
// actions are refused without the token and work with it (cancel stops the run).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { makeRunId, parsePlan } from '@agentfleet/core';
import type { FleetStore, TaskStatus } from '@agentfleet/store';
import { initRepository } from '@agentfleet/workspace';
import { ensureBuilt, launchChromium, MonitorProcess, ReleaseGate, removeDir, repoRoot, requireBinaries, tempDir, TestHostd, testStore, waitFor } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git', 'chromium');
const ARTIFACTS = join(repoRoot, 'test-artifacts/console');
const TOKEN = `console-token-${process.pid}`;

let store: FleetStore;
let daemon: TestHostd;
let monitor: MonitorProcess;
let browser: Browser;
let home: string;
let repo: string;
let base: string;
let runId: string;
let gate: ReleaseGate;

// build says tick-one, waits at the gate the task page test opens, then says tick-two
const plan = (gate: ReleaseGate) => `name: console-demo
defaults: { agent: shell, estimate: 30s, retries: 0 }
tasks:
  - { id: setup, run: "printf 'hello from the fleet\\\\n' > greeting.txt" }
  - { id: build, deps: [setup], run: ${JSON.stringify(`echo tick-one; ${gate.command}; echo tick-two`)} }
  - { id: lint, deps: [setup], run: "echo linting; sleep 60" }
  - { id: test-unit, deps: [build], run: "true" }
  - { id: test-e2e, deps: [build], run: "true" }
  - { id: package, deps: [test-unit, test-e2e, lint], run: "true" }
`;

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  store = testStore('console', inject('redisUrl'));
  home = tempDir('console-home');
  repo = join(tempDir('console-repo'), 'origin');
  base = await initRepository(repo, { 'README.md': '# demo\n' });
  writeFileSync(join(home, 'fleet.yaml'), `redis: { prefix: ${store.prefix} }\nmonitor: { tokenEnv: CONSOLE_TOKEN }\n`);
  daemon = new TestHostd({ redisUrl: inject('redisUrl'), prefix: store.prefix, slots: 3 });
  monitor = await MonitorProcess.start(['--listen', '127.0.0.1:0'], { REDIS_URL: inject('redisUrl'), AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: join(home, 'fleet.yaml'), CONSOLE_TOKEN: TOKEN });
  browser = await launchChromium();
  gate = await ReleaseGate.start();
  const parsed = parsePlan(plan(gate), 'plan.yaml');
  parsed.repo = { url: repo, ref: 'main' };
  runId = makeRunId(new Date());
  await store.runs.submit(parsed, { runId, schedule: 'deps', failFast: false, baseCommit: base, config: { providers: [], pricing: {}, budgets: {}, git: { author: 'agentfleet <fleet@localhost>' } } });
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await gate?.close();
  await browser?.close();
  await monitor?.stop();
  await daemon.stopAndCleanup(10_000);
  await store.close();
  removeDir(home);
  removeDir(dirname(repo));
});

async function nodeStatuses(p: import('playwright-core').Page): Promise<Record<string, string>> {
  return p.$$eval('.node', (nodes) => Object.fromEntries(nodes.map((n) => [n.getAttribute('data-task'), Array.from(n.classList).find((c) => c.startsWith('s-'))?.slice(2)])));
}

describe.runIf(ok)('the web console in chromium', () => {
  it('prints a login URL once and serves the console at /', () => {
    const logins = monitor.log.split('\n').filter((l) => l.includes('/login?token='));
    expect(logins).toHaveLength(1);
    expect(logins[0]).toContain(`${monitor.url}/login?token=${TOKEN}`);
  });

  it('the run page shows every task as a node in its status colour, updated live', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${monitor.url}/runs/${runId}`);
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    expect((await page.$$('.node')).length).toBe(6);
    // the page follows the run: wait until build runs and setup succeeded, as the store says
    await waitFor('build running on the page', async () => (await nodeStatuses(page)).build === 'running', 30_000, 200);
    const shown = await nodeStatuses(page);
    const truth = await store.read.statuses(runId);
    for (const [id, status] of truth) if (id !== 'build' && id !== 'lint') expect(shown[id], id).toBe(status);
    expect(shown.setup).toBe('succeeded');
    // colours come from the status: a succeeded node is green, a blocked one grey
    const fill = (id: string) => page.$eval(`.node[data-task="${id}"] rect`, (r) => getComputedStyle(r).fill);
    expect(await fill('setup')).toBe('rgb(46, 158, 91)');
    expect(await fill('package')).toBe('rgb(74, 85, 99)');
    expect(await page.$$('.node.crit')).not.toHaveLength(0);
    await page.screenshot({ path: join(ARTIFACTS, 'run-page.png') });
    await page.close();
  });

  it('the task page shows a transcript line while the agent runs; a finished task shows its diff', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${monitor.url}/runs/${runId}/tasks/build`);
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    await page.waitForSelector('.entry.output >> text=tick-one', { timeout: 5_000 });
    expect((await store.read.taskState(runId, 'build'))?.status).toBe('running');
    // and the next line arrives live, without a reload
    gate.release();
    await page.waitForSelector('.entry.output >> text=tick-two', { timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'task-page.png') });
    await page.goto(`${monitor.url}/runs/${runId}/tasks/setup`);
    const files = await page.$$eval('table.files code', (els) => els.map((e) => e.textContent));
    expect(files).toEqual(['greeting.txt']);
    expect(await page.textContent('#diff')).toContain('+hello from the fleet');
    await page.close();
  });

  it('an action without the token is refused; signed in, cancel stops the run', async () => {
    const anon = await browser.newContext();
    const refused = await anon.request.post(`${monitor.url}/actions/cancel`, { form: { run: runId, csrf: 'x' } });
    expect(refused.status()).toBe(403);
    expect((await refused.json()) as { error: string }).toMatchObject({ error: expect.stringMatching(/not signed in/) });
    const page = await anon.newPage();
    await page.goto(`${monitor.url}/runs/${runId}`);
    expect(await page.isDisabled('button[data-action="cancel"]')).toBe(true);
    expect((await store.read.get(runId)).status).toBe('running');

    await page.goto(`${monitor.url}/login?token=wrong`);
    expect(await page.textContent('h1')).toBe('Login refused');
    // signed in, a form from elsewhere (no CSRF token) is still refused
    await page.goto(`${monitor.url}/login?token=${encodeURIComponent(TOKEN)}`);
    const forged = await anon.request.post(`${monitor.url}/actions/cancel`, { form: { run: runId } });
    expect(forged.status()).toBe(403);
    await page.goto(`${monitor.url}/runs/${runId}`);
    await page.click('button[data-action="cancel"]');
    await page.waitForSelector('#notice >> text=cancelled', { timeout: 10_000 });
    await waitFor('the run to be cancelled', async () => (await store.read.get(runId)).status === 'cancelled', 30_000, 200);
    await waitFor('lint stopped', async () => ((await store.read.taskState(runId, 'lint'))?.status as TaskStatus) === 'cancelled', 30_000, 200);
    await waitFor('the page to show it', async () => (await page.textContent('#run-status')) === 'cancelled', 10_000, 200);
    expect(monitor.log).toMatch(/console action refused/);
    expect(monitor.log).toMatch(/"action":"cancel".*console action"/);
    await anon.close();
  });

  it('a gate\'s task page decides it: approve with a note, signed in (refused without the token)', async () => {
    const gated = makeRunId(new Date());
    await store.runs.submit(parsePlan('name: gated\ndefaults: { agent: shell, retries: 0 }\ntasks:\n  - { id: ship, agent: approval, approval: { prompt: "Ship it?" } }\n  - { id: after, deps: [ship], run: "true" }\n', 'gated.yaml'), { runId: gated, schedule: 'deps', failFast: false, baseCommit: null, config: { providers: [], pricing: {}, budgets: {}, git: { author: 'agentfleet <fleet@localhost>' } } });
    await waitFor('the gate to wait', async () => ((await store.read.taskState(gated, 'ship'))?.status as TaskStatus) === 'awaiting_approval', 30_000, 200);
    const ctx = await browser.newContext();
    const refused = await ctx.request.post(`${monitor.url}/actions/approve`, { form: { run: gated, task: 'ship', csrf: 'x' } });
    expect(refused.status()).toBe(403);
    const page = await ctx.newPage();
    await page.goto(`${monitor.url}/login?token=${encodeURIComponent(TOKEN)}`);
    await page.goto(`${monitor.url}/runs/${gated}/tasks/ship`);
    expect(await page.textContent('#approval')).toBe('awaits approval');
    await page.fill('form[action="/actions/approve"] input[name="note"]', 'looks right');
    await page.click('button[data-action="approve"]');
    await waitFor('the run to succeed', async () => (await store.read.get(gated)).status === 'succeeded', 30_000, 200);
    const ship = (await store.read.report(gated)).tasks.find((t) => t.id === 'ship')!;
    expect(ship.approval).toMatchObject({ decision: 'approve', by: 'console', note: 'looks right' });
    await page.goto(`${monitor.url}/runs/${gated}/tasks/ship`);
    expect(await page.textContent('#approval')).toMatch(/^approved by console at .*: looks right$/);
    expect(await page.$('button[data-action="reject"]')).toBeNull();
    expect(monitor.log).toMatch(/"action":"approve".*console action"/);
    await ctx.close();
  });

  it('the hosts page shows slots, CPU, memory, disk and heartbeat', async () => {
    const page = await browser.newPage();
    await page.goto(`${monitor.url}/hosts`);
    const row = await page.textContent(`tr[data-host="${daemon.host}"]`);
    expect(row).toMatch(/up/);
    expect(row).toMatch(/\d+ busy \/ \d+ idle \/ 3 desired/);
    expect(row).toMatch(/GiB free/);
    await page.close();
  });
});

// `fleet logs RUN TASK` and `fleet report` as a user runs them (the built CLI) against a real
// daemon and Redis: a line the agent prints shows while it still runs, -f ends with the attempt,
// bad input exits 2; and the real Codex CLI failing on 429s from the model stand-in is reported
// with its own reason, not with the end of its stderr.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { configSchema, makeRunId, parsePlan, type TranscriptEntry } from '@agentfleet/core';
import type { FleetStore, RunConfig, RunReport } from '@agentfleet/store';
import { cliBin, ensureBuilt, removeDir, repoRoot, reply, requireBinaries, runEnded, runFleet, startStandin, tempDir, TestHostd, testStore, waitFor, type OpenAIStandin } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
const CODEX = join(repoRoot, 'node_modules/.bin/codex');

let store: FleetStore;
let daemon: TestHostd;
let standin: OpenAIStandin;
let home: string;

const env = () => ({ ...process.env, REDIS_URL: inject('redisUrl'), AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: join(home, 'fleet.yaml') });
const fleet = (args: string[]) => runFleet(args, { env: env(), timeoutMs: 60_000 });

async function submit(yaml: string, config: RunConfig = { providers: [], pricing: {}, budgets: {}, git: { author: 'agentfleet <fleet@localhost>' } }): Promise<string> {
  const runId = makeRunId(new Date());
  await store.runs.submit(parsePlan(yaml, 'plan.yaml'), { runId, schedule: 'deps', failFast: false, baseCommit: null, config });
  return runId;
}

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  standin = await startStandin();
  store = testStore('logs', inject('redisUrl'));
  home = tempDir('logs-cli');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'fleet.yaml'), `redis: { prefix: ${store.prefix} }\n`);
  // HOME of its own: codex makes its per-job homes under it
  daemon = new TestHostd({ redisUrl: inject('redisUrl'), prefix: store.prefix, slots: 2, env: { AGENTFLEET_CODEX_BIN: CODEX, HOME: home, STANDIN_KEY: 'k' } });
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await daemon.stopAndCleanup(10_000);
  await store.close();
  await standin.close();
  removeDir(home);
});

describe.runIf(ok)('fleet logs RUN TASK', () => {
  it('-f shows a line the agent prints while it still runs, and exits when the attempt ends', async () => {
    const runId = await submit('name: follow\ntasks:\n  - { id: sh, agent: shell, run: "echo first-line; sleep 4; echo second-line" }\n');
    const child = spawn(process.execPath, [cliBin, 'logs', runId, 'sh', '-f'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => child.once('close', r));
    const started = Date.now();
    await waitFor('the first line in fleet logs -f', () => out.includes('| first-line'), 15_000, 20);
    const shownAfter = Date.now() - started;
    // shown while the agent still runs: its second line is not printed yet and the task is running
    expect(out).not.toContain('| second-line');
    expect((await store.read.taskState(runId, 'sh'))?.status).toBe('running');
    expect(shownAfter).toBeLessThan(5_000 + 3_000); // the task has to be picked up first (< 3 s here)
    expect(await exited).toBe(0);
    expect(out).toContain('| second-line');
    expect(out).toMatch(/✓ exit 0 \(\d+\.\ds\): echo first-line/);
    expect(out.trim().split('\n').at(-1)).toMatch(/· attempt ok: succeeded$/);
  });

  it('prints a finished transcript readably, or as JSON lines; bad input exits 2', async () => {
    const runId = await submit('name: print\ntasks:\n  - { id: sh, agent: shell, run: "seq 1 200; exit 3", retries: 0 }\n');
    await runEnded(store, runId, 30_000);
    const text = await fleet(['logs', runId, 'sh']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('$ seq 1 200; exit 3');
    expect(text.stdout).toMatch(/✗ exit 3 \(\d+\.\ds\): seq 1 200; exit 3/);
    expect(text.stdout).toMatch(/\| … \d+ lines folded/);
    expect(text.stdout).toContain('| 200');
    const full = await fleet(['logs', runId, 'sh', '--full']);
    expect(full.stdout.split('\n').filter((l) => /\| \d+$/.test(l))).toHaveLength(200);
    const json = await fleet(['logs', runId, 'sh', '--json', '--attempt', '1']);
    const entries = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as TranscriptEntry);
    expect(entries[0]).toMatchObject({ type: 'step', step: 'attempt', status: 'started', seq: 1 });
    expect(entries.at(-1)).toMatchObject({ type: 'step', step: 'attempt', status: 'failed', detail: 'failed' });

    for (const [args, message] of [
      [['logs', runId, 'nope'], `run ${runId} has no task 'nope'`],
      [['logs', 'Not_A_Run!', 'sh'], "'Not_A_Run!' is not a run id"],
      [['logs', runId, 'sh', '--attempt', '7'], 'has no transcript for attempt 7'],
      [['logs', runId, 'sh', '--attempt', 'x'], '--attempt must be a whole number'],
    ] as const) {
      const r = await fleet([...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe.runIf(ok)('console and retention settings', () => {
  it('a bad retention duration or a missing console token exits 2 with one clear message', async () => {
    const bad = join(home, 'bad.yaml');
    writeFileSync(bad, `redis: { prefix: ${store.prefix} }\nretention:\n  runs: soon\n`);
    const r = await runFleet(['prune', '--dry-run'], { env: { ...env(), AGENTFLEET_CONFIG: bad }, timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:3:\d+.*'soon' is not a duration/);
    const noToken = join(home, 'token.yaml');
    writeFileSync(noToken, `redis: { prefix: ${store.prefix} }\nmonitor: { tokenEnv: NOT_SET_TOKEN_${process.pid} }\n`);
    const m = await runFleet(['monitor', '--listen', '127.0.0.1:0'], { env: { ...env(), AGENTFLEET_CONFIG: noToken }, timeoutMs: 30_000 });
    expect(m.code).toBe(2);
    expect(m.stderr).toContain(`monitor.tokenEnv names NOT_SET_TOKEN_${process.pid}, but NOT_SET_TOKEN_${process.pid} is not set`);
    const age = await fleet(['prune', '--older-than', 'later']);
    expect(age.code).toBe(2);
    expect(age.stderr).toContain('not a duration');
  });
});

describe.runIf(ok)('the real reason a task failed', () => {
  it('the real codex CLI failing on 429s is reported with its own error, not its stderr', async () => {
    for (let i = 0; i < 30; i++) standin.enqueue(reply.status(429, { 'retry-after': '0' }, 'Rate limit reached'));
    const c = configSchema.parse({ providers: [{ name: 'standin', baseURL: standin.url, apiKeyEnv: 'STANDIN_KEY', api: 'responses', models: { low: 'standin-small' }, timeoutMs: 20_000 }] });
    const runId = await submit('name: limited\ntasks:\n  - { id: cx, agent: codex, complexity: low, retries: 0, prompt: say hi }\n', { providers: c.providers, pricing: c.pricing, budgets: c.budgets, git: c.git });
    expect(await runEnded(store, runId, 90_000)).toBe('failed');
    const md = await fleet(['report', runId]);
    expect(md.code, md.stderr).toBe(0);
    const problem = md.stdout.split('\n').find((l) => l.startsWith('- **cx**'));
    expect(problem).toMatch(/exit code 1: exceeded retry limit, last status: 429/);
    expect(md.stdout).not.toContain('Reading additional input from stdin');
    const report = JSON.parse((await fleet(['report', runId, '--format', 'json'])).stdout) as RunReport;
    const t = report.tasks.find((x) => x.id === 'cx')!;
    expect(t.error?.message).toMatch(/exceeded retry limit, last status: 429/);
    expect(t.summary).toMatch(/^codex failed: exceeded retry limit/);
    expect(t.history).toHaveLength(1);
    expect(t.history[0]).toMatchObject({ attempt: 1, status: 'failed', error: { kind: 'exit_code' } });
    const logs = await fleet(['logs', runId, 'cx']);
    expect(logs.stdout).toMatch(/! \(retried\) Reconnecting\.\.\. 1\/5/);
    expect(logs.stdout).toMatch(/! exceeded retry limit, last status: 429/);
  }, 120_000);
});

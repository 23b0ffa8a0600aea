// `fleet top` end to end: the built CLI against a real run (real Redis, a host daemon with 2
// worker processes), drawn in a tmux pseudo-terminal and read off the screen; q quits. Piped,
// it prints one plain line per refresh.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeRunId, type TaskSpec } from '@agentfleet/core';
import type { FleetStore } from '@agentfleet/store';
import { cliBin, dropStore, ensureBuilt, noConfig, plan, removeDir, repoRoot, requireBinaries, task as spec, tempDir, TestHostd, testStore, TmuxServer, waitFor } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'tmux');
const HOST = 'top-h1';
const RUN_NAME = 'top-e2e';
const term = new TmuxServer(`af-top-e2e-${process.pid}`);

let store: FleetStore;
let daemon: TestHostd;
let home: string;
let runId: string;
let env: Record<string, string>;

const task = (id: string, run: string): TaskSpec => spec(id, [], { agent: 'shell', run, estimateMs: 3000 });
const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  store = testStore('top-e2e', inject('redisUrl'));
  const prefix = store.prefix;
  home = tempDir('top-e2e');
  writeFileSync(join(home, 'fleet.yaml'), `redis: { prefix: ${prefix} }\n`);
  env = { REDIS_URL: inject('redisUrl'), AGENTFLEET_CONFIG: join(home, 'fleet.yaml'), AGENTFLEET_HOME: home };
  daemon = new TestHostd({ redisUrl: inject('redisUrl'), prefix, host: HOST, slots: 2 });
  await waitFor('the host daemon heartbeat', async () => (await store.hosts.list()).some((h) => h.name === HOST && h.up));
  // One quick failure first, then `sleep 3` tasks that keep both slots busy for a while.
  const tasks = [task('top-broken', 'echo "lint found 3 problems" >&2; exit 5'), ...[1, 2, 3, 4, 5].map((i) => task(`top-sleep-${i}`, 'sleep 3'))];
  runId = makeRunId(new Date());
  await store.runs.submit(plan(tasks, RUN_NAME), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  term.kill();
  if (daemon) await daemon.stopAndCleanup(15_000);
  if (store) await dropStore(store);
  if (home) removeDir(home);
}, 60_000);

describe.runIf(ok)('fleet top against the real store', () => {
  it('draws the host, its workers and their tasks, the run progress and the failure in a terminal; q quits', async () => {
    const vars = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
    const command = `${vars} ${shellQuote(process.execPath)} ${shellQuote(cliBin)} top; echo "TOP-EXIT-$?"; sleep 60`;
    const started = term.tmux('new-session', '-d', '-s', 'top', '-x', '160', '-y', '40', '-c', repoRoot, command);
    expect(started.status, started.stderr).toBe(0);
    const header = /^agentfleet top {2}\d\d:\d\d:\d\d {2}hosts 1\/1 up {2}slots 2\/2 busy {2}runs 1 active {2}\(q quits\)/m;
    const hostLine = new RegExp(`^${HOST} +up +slots 2/2 +CPU \\[[#-]+\\] +\\d+% +MEM \\[[#-]+\\] [\\d.]+[BKMGT]/[\\d.]+[BKMGT] +load \\d+\\.\\d\\d +disk [\\d.]+[BKMGT]`, 'm');
    const workerLine = new RegExp(`^ +${HOST}#[01] +busy +\\d+s +${RUN_NAME}/top-sleep-\\d +cpu +\\d+% +rss [\\d.]+[KMG]`, 'm');
    const runLine = new RegExp(`^${RUN_NAME} +running +\\[[#-]+\\] [1-5]/6 +\\d+% +ETA \\S+ +elapsed \\d+s +2 running, 1 failed`, 'm');
    const failureLine = new RegExp(`^ +\\d+s ago +top-broken \\(run ${runId}\\) +exit_code: exit code 5: lint found 3 problems`, 'm');
    const seen = await term.waitForScreen(
      'top',
      'hosts, busy workers, run progress and the failure on the screen',
      (s) => {
        const busyWorkers = s.match(new RegExp(workerLine.source, 'gm'))?.length ?? 0;
        return header.test(s) && hostLine.test(s) && busyWorkers === 2 && runLine.test(s) && failureLine.test(s);
      },
      30_000,
      200,
    );
    expect(seen).toMatch(/^HOSTS$/m);
    expect(seen).toMatch(/^RUNS$/m);
    expect(seen).toMatch(/^RECENT FAILURES$/m);
    // both slots of the host, each with its own task
    const tasksShown = [...seen.matchAll(new RegExp(workerLine.source, 'gm'))].map((m) => /top-sleep-\d/.exec(m[0])?.[0]);
    expect(new Set(tasksShown).size).toBe(2);

    term.tmux('send-keys', '-t', 'top', 'q');
    const after = await term.waitForScreen('top', 'top to quit', (s) => s.includes('TOP-EXIT-'), 15_000, 100);
    expect(after).toContain('TOP-EXIT-0');
    expect(after).not.toContain('RECENT FAILURES'); // the alternate screen was left
  }, 60_000);

  it('prints one plain line per refresh when stdout is a pipe, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [cliBin, 'top', '--interval', '0.5'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await waitFor('two lines from fleet top', () => out.split('\n').length > 2, 20_000, 50);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, err).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(out).not.toContain('\x1b[');
    for (const line of lines.slice(0, 2)) {
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ hosts 1\/1 up, slots [0-2]\/2 busy; /);
      expect(line).toMatch(/; failures 1$/);
      expect(line).toMatch(new RegExp(`run ${RUN_NAME} running [0-6]/6 \\(\\d+%\\)|no active run`));
    }
  }, 60_000);
});

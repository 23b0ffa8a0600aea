// Benchmark: time to a ready workspace with its dependencies installed, for the 2nd and later
// tasks of a slot (the slot's worktree switched to the task's base, repo.setup reused because
// package-lock.json did not change), against `git worktree add` + `npm ci` per task, in the same
// run. The project is a real npm project of 200+ packages installed from tarballs packed from
// this repository's own node_modules (vendored, so nothing comes from the network); the baseline
// gets the same warm npm cache.
// Run: npx vite-node scripts/bench/setup.ts [--packages 250] [--tasks 20] [--baseline-runs 3] [--dir DIR] [--keep]
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeNpmProject, removeDir, TEMP_BASE, tempDir } from '@agentfleet/testkit';
import { createLogger } from '@agentfleet/telemetry';
import { mirrorDir, SlotWorkspace } from '@agentfleet/workspace';
import type { RunContext } from '@agentfleet/store';
import { task } from '@agentfleet/testkit';
import { AttemptEvents } from '../../apps/worker/src/attempt/attempt-events.js';
import { packageCaches } from '../../apps/worker/src/attempt/process-env.js';
import { runTaskCommand } from '../../apps/worker/src/attempt/task-command.js';
import { setUpWorkspace } from '../../apps/worker/src/attempt/workspace-setup.js';
import { arg, machine } from './common.js';

const PACKAGES = Math.max(200, arg('packages', 250));
const TASKS = Math.max(10, arg('tasks', 20));
const BASELINE_RUNS = Math.max(1, arg('baseline-runs', 3));
const SETUP = 'npm ci --offline --no-audit --no-fund';
const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();

const ms = (t0: number) => performance.now() - t0;
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const f1 = (x: number) => x.toFixed(1);

/** Installed packages of a node_modules (scoped ones counted one by one). */
function installed(dir: string): number {
  const modules = join(dir, 'node_modules');
  return readdirSync(modules).filter((n) => !n.startsWith('.')).reduce((n, name) => n + (name.startsWith('@') ? readdirSync(join(modules, name)).length : 1), 0);
}

async function main(): Promise<void> {
  const dirArg = process.argv.indexOf('--dir');
  const root = tempDir('bench-setup', dirArg >= 0 ? process.argv[dirArg + 1] : TEMP_BASE);
  try {
    const origin = join(root, 'origin');
    let t = performance.now();
    const { packages } = await makeNpmProject(origin, { count: PACKAGES, files: { 'src/app.js': 'export const v = 0;\n' } });
    // One base per task: each changes a source file, none the lock file.
    const bases = [git(origin, 'rev-parse', 'HEAD')];
    for (let k = 1; k <= TASKS; k++) {
      writeFileSync(join(origin, 'src/app.js'), `export const v = ${k};\n`);
      git(origin, 'commit', '-qam', `change ${k}`);
      bases.push(git(origin, 'rev-parse', 'HEAD'));
    }
    console.log(`npm project: ${packages.length} vendored packages, ${bases.length} commits (made in ${f1(ms(t) / 1000)} s) under ${root}`);

    const home = join(root, 'home');
    const slot = new SlotWorkspace({ home, slot: 'bench-0', author: 'bench <bench@localhost>' });
    const run: RunContext = { name: 'bench', repo: { url: origin, ref: 'main', setup: { run: SETUP, key: ['package-lock.json'], keep: ['node_modules'], timeoutMs: 15 * 60_000 } }, baseCommit: bases[0]!, clean: 'all', config: { providers: [], pricing: {}, budgets: {}, git: { author: 'bench <bench@localhost>' } }, costUsd: 0, budgetUsd: null, paused: false };
    const taskEnv = { ...process.env, ...packageCaches(home) };
    const events = new AttemptEvents(createLogger({ name: 'bench', level: 'warn', pretty: false }), () => createLogger({ name: 'bench', level: 'warn', pretty: false }));
    const signal = new AbortController().signal;
    const readyMs: number[] = [];
    let firstMs = 0;
    let outcomes = '';
    for (let k = 0; k <= TASKS; k++) {
      t = performance.now();
      const prep = await slot.prepare({ runId: 'bench', taskId: `t${k}`, jobId: `bench.t${k}`, title: `t${k}`, repoUrl: origin, baseCommit: bases[k]!, deps: [], clean: 'all', kept: { keep: ['node_modules'], neverCommit: ['node_modules'] } });
      const command = (c: string, timeoutMs: number) => runTaskCommand({ command: c, cwd: prep.dir, env: taskEnv, timeoutMs, signal });
      const s = await setUpWorkspace({ slot, run, spec: task(`t${k}`), files: [], host: 'bench', command, events, scrub: (x) => x });
      if (k === 0) firstMs = ms(t);
      else readyMs.push(ms(t));
      outcomes += s.setup === 'ran' ? 'R' : '.';
      if (k === 0) console.log(`installed: ${installed(prep.dir)} packages`);
      writeFileSync(join(prep.dir, `out-t${k}.txt`), 'work\n'); // what an agent leaves: cleaned by the next switch
      await slot.release();
    }

    // Baseline: a fresh worktree and `npm ci` per task, same mirror, same (warm) npm cache.
    const mirror = mirrorDir(home, origin);
    const baselineMs: number[] = [];
    for (let r = 0; r < BASELINE_RUNS; r++) {
      const wt = join(root, `baseline-${r}`);
      t = performance.now();
      git(mirror, 'worktree', 'add', '--quiet', '--detach', wt, bases[r + 1]!);
      execFileSync('sh', ['-c', SETUP], { cwd: wt, env: taskEnv, stdio: 'ignore' });
      baselineMs.push(ms(t));
      git(mirror, 'worktree', 'remove', '--force', wt);
    }

    const ours = p50(readyMs);
    const base = p50(baselineMs);
    console.log('');
    console.log(`machine: ${machine()}`);
    console.log(`setup per task: ${outcomes} (R ran, . reused)`);
    console.log(`slot's first task (worktree add + mirror + npm ci): ${f1(firstMs)} ms`);
    console.log(`ready workspace with dependencies, later tasks (n=${readyMs.length}): p50 ${f1(ours)} ms, min ${f1(Math.min(...readyMs))} ms, max ${f1(Math.max(...readyMs))} ms`);
    console.log(`baseline git worktree add + ${SETUP} (n=${baselineMs.length}): p50 ${f1(base)} ms`);
    console.log(`ratio: ${f1(base / ours)}x (goal 20x)`);
    console.log(JSON.stringify({ packages: packages.length, tasks: readyMs.length, readyP50Ms: +f1(ours), firstTaskMs: +f1(firstMs), baselineP50Ms: +f1(base), ratio: +f1(base / ours) }));
  } finally {
    if (!process.argv.includes('--keep')) removeDir(root);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

// Benchmark: time to a ready workspace on a 20k-file repository, against a fresh
// `git worktree add` and `git clone --no-local` of the same repository, in the same run.
// Run: npx vite-node scripts/bench/workspace.ts [--files 20000] [--tasks 24] [--keep]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { removeDir, TEMP_BASE, tempDir } from '@agentfleet/testkit';
import { SlotWorkspace, mirrorDir } from '@agentfleet/workspace';
import { arg } from './common.js';

const FILES = arg('files', 20_000);
const TASKS = Math.max(20, arg('tasks', 24));
const BASELINE_RUNS = arg('baseline-runs', 5);
const FILES_PER_DIR = 50;
const AUTHOR = 'bench <bench@localhost>';
const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();

// Deterministic content: source-like lines, sizes log-normal around a few KB like real code.
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const WORDS = 'const let function return import export from async await if else for while class extends interface type string number boolean value result items index config options error state'.split(' ');
function sourceFile(id: string): string {
  const normal = Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
  const size = Math.min(64_000, Math.round(Math.exp(7.8 + 0.9 * normal))); // median ~2.4 KB, mean ~3.6 KB
  const lines = [`// ${id}`];
  let n = lines[0]!.length;
  while (n < size) {
    const words = 3 + Math.floor(rand() * 9);
    let line = '  '.repeat(Math.floor(rand() * 4));
    for (let w = 0; w < words; w++) line += `${WORDS[Math.floor(rand() * WORDS.length)]}${w % 3 === 2 ? '_' + Math.floor(rand() * 1000) : ''} `;
    lines.push(line);
    n += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

const ms = (t0: number) => performance.now() - t0;
const p = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!;
};
const f1 = (x: number) => x.toFixed(1);

async function main(): Promise<void> {
  // --dir DIR: where the repository, the home and the baselines live. The default is tmpfs
  // (fast file creation, the hardest case for the ratio); a real disk is where slots live.
  const dirArg = process.argv.indexOf('--dir');
  const root = tempDir('bench-ws', dirArg >= 0 ? process.argv[dirArg + 1] : TEMP_BASE);
  try {
    const origin = join(root, 'origin');
    const results = join(root, 'results.git');
    mkdirSync(origin);
    let t = performance.now();
    let bytes = 0;
    for (let i = 0; i < FILES; i++) {
      const dir = join(origin, `pkg${String(Math.floor(i / 2000)).padStart(2, '0')}`, `mod${String(Math.floor(i / FILES_PER_DIR)).padStart(4, '0')}`);
      if (i % FILES_PER_DIR === 0) mkdirSync(dir, { recursive: true });
      const body = sourceFile(`file ${i}`);
      bytes += body.length;
      writeFileSync(join(dir, `f${String(i % FILES_PER_DIR).padStart(2, '0')}.ts`), body);
    }
    writeFileSync(join(origin, '.gitignore'), 'node_modules/\ndist/\n');
    git(origin, 'init', '-q', '-b', 'main');
    git(origin, 'add', '-A');
    git(origin, 'commit', '-q', '-m', 'generated');
    git(root, 'init', '-q', '--bare', results);
    // One base commit per task, each touching a few files.
    const bases: string[] = [git(origin, 'rev-parse', 'HEAD')];
    for (let k = 0; k <= TASKS; k++) {
      for (let j = 0; j < 3; j++) {
        const i = Math.floor(rand() * FILES);
        const file = join(origin, `pkg${String(Math.floor(i / 2000)).padStart(2, '0')}`, `mod${String(Math.floor(i / FILES_PER_DIR)).padStart(4, '0')}`, `f${String(i % FILES_PER_DIR).padStart(2, '0')}.ts`);
        writeFileSync(file, sourceFile(`file ${i} v${k}`));
      }
      git(origin, 'commit', '-q', '-am', `change ${k}`);
      bases.push(git(origin, 'rev-parse', 'HEAD'));
    }
    console.log(`repository: ${FILES} files, ${(bytes / 2 ** 20).toFixed(1)} MiB of content, ${bases.length} commits (generated in ${f1(ms(t) / 1000)} s) under ${root}`);

    // The slot: first task creates the worktree (and the mirror), later tasks switch it.
    const home = join(root, 'home');
    const ws = new SlotWorkspace({ home, slot: 'bench-1', author: AUTHOR });
    const prepareMs: number[] = [];
    const publishMs: number[] = [];
    let firstMs = 0;
    for (let k = 0; k <= TASKS; k++) {
      const taskId = `t${k}`;
      t = performance.now();
      const prep = await ws.prepare({ runId: 'bench', taskId, jobId: `bench.${taskId}`, title: taskId, repoUrl: origin, pushUrl: results, baseCommit: bases[k + 1]!, deps: [], clean: 'all' });
      const took = ms(t);
      if (k === 0) firstMs = took;
      else prepareMs.push(took);
      // The "agent": writes one file, and a build output that clean=all removes next time.
      writeFileSync(join(prep.dir, `out-${taskId}.txt`), `${taskId}\n`);
      mkdirSync(join(prep.dir, 'dist'), { recursive: true });
      writeFileSync(join(prep.dir, 'dist', 'bundle.js'), taskId);
      t = performance.now();
      await ws.publish({ runId: 'bench', taskId, title: taskId, pushUrl: results, base: prep.base });
      publishMs.push(ms(t));
      await ws.release();
    }

    // Baselines from the same repository, in the same run.
    const mirror = mirrorDir(home, origin);
    const addMs: number[] = [];
    const cloneMs: number[] = [];
    for (let r = 0; r < BASELINE_RUNS; r++) {
      const wt = join(root, `baseline-wt-${r}`);
      t = performance.now();
      git(mirror, 'worktree', 'add', '--quiet', '--detach', wt, bases[r + 1]!);
      addMs.push(ms(t));
      git(mirror, 'worktree', 'remove', '--force', wt);
      const cl = join(root, `baseline-clone-${r}`);
      t = performance.now();
      git(root, 'clone', '--quiet', '--no-local', origin, cl);
      cloneMs.push(ms(t));
      removeDir(cl);
    }

    const ready = p(prepareMs, 0.5);
    const add = p(addMs, 0.5);
    const clone = p(cloneMs, 0.5);
    console.log('');
    console.log(`ready workspace, slot's first task (worktree add + mirror): ${f1(firstMs)} ms`);
    console.log(`ready workspace, later tasks (n=${prepareMs.length}): p50 ${f1(ready)} ms, p90 ${f1(p(prepareMs, 0.9))} ms, min ${f1(Math.min(...prepareMs))} ms, max ${f1(Math.max(...prepareMs))} ms`);
    console.log(`publish (commit + push + diff stat): p50 ${f1(p(publishMs, 0.5))} ms`);
    console.log(`git worktree add (n=${addMs.length}): p50 ${f1(add)} ms`);
    console.log(`git clone --no-local (n=${cloneMs.length}): p50 ${f1(clone)} ms`);
    console.log(`ratio vs git worktree add: ${f1(add / ready)}x (goal 50x)`);
    console.log(`ratio vs git clone --no-local: ${f1(clone / ready)}x`);
    console.log(JSON.stringify({ files: FILES, mib: +(bytes / 2 ** 20).toFixed(1), tasks: prepareMs.length, readyP50Ms: +f1(ready), firstTaskMs: +f1(firstMs), worktreeAddP50Ms: +f1(add), cloneNoLocalP50Ms: +f1(clone), ratioWorktreeAdd: +f1(add / ready), ratioClone: +f1(clone / ready) }));
  } finally {
    if (!process.argv.includes('--keep')) removeDir(root);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

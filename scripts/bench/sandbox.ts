// Benchmark: what the sandbox costs per command. A trivial command (`/bin/true`) and a node
// start (`node -e 0`) through spawnGroup, as the worker starts every task process: unconfined
// (the baseline) and in a task's bubblewrap sandbox with network full and none, the variants
// interleaved in one run so that the machine's load is the same for all of them.
//   npx vite-node scripts/bench/sandbox.ts [--runs 300]
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NetworkMode } from '@agentfleet/core';
import { spawnGroup } from '@agentfleet/agents';
import { Confinement, hostSandbox } from '@agentfleet/sandbox';
import { removeDir, tempDir } from '@agentfleet/testkit';
import { arg, machine, percentile, printTable } from './common.js';

const RUNS = arg('runs', 300);
const root = tempDir('bench-sandbox');
const fleetHome = join(root, 'home');
const slot = join(fleetHome, 'slots', 'bench-0');
const host = hostSandbox({ hidden: { userHome: homedir(), fleetHome }, path: process.env.PATH });
const confined = (network: NetworkMode) =>
  new Confinement(host, { workdir: join(slot, 'wt'), home: join(slot, 'home'), writable: [join(fleetHome, 'cache', 'npm')], readOnly: [], etcDir: join(slot, 'sandbox'), network });
const variants: { name: string; sandbox?: Confinement }[] = [{ name: 'unconfined' }, { name: 'bwrap, network full', sandbox: confined('full') }, { name: 'bwrap, network none', sandbox: confined('none') }];
const commands: { name: string; file: string; args: string[] }[] = [{ name: '/bin/true', file: '/bin/true', args: [] }, { name: 'node -e 0', file: process.execPath, args: ['-e', '0'] }];

async function once(file: string, args: string[], sandbox: Confinement | undefined): Promise<number> {
  const t0 = performance.now();
  const p = spawnGroup(file, args, { cwd: join(slot, 'wt'), env: { PATH: process.env.PATH, HOME: join(slot, 'home') }, signal: new AbortController().signal, sandbox, onStdout: () => undefined, onStderr: () => undefined });
  const code = await p.exited;
  if (code !== 0) throw new Error(`${file} exited ${code}`);
  return performance.now() - t0;
}

try {
  console.log(`sandbox benchmark: ${RUNS} runs of each command and variant, interleaved; ${machine()}`);
  const rows: (string | number)[][] = [['command', 'variant', 'p50 ms', 'p90 ms', 'mean ms', 'x unconfined (p50)', '+ms per command (p50)']];
  const figures: Record<string, { p50: number; mean: number }> = {};
  for (const c of commands) {
    const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    for (const v of variants) await once(c.file, c.args, v.sandbox); // warm-up
    for (let i = 0; i < RUNS; i++) for (const v of variants) times.get(v.name)!.push(await once(c.file, c.args, v.sandbox));
    const base = percentile([...times.get('unconfined')!].sort((a, b) => a - b), 50);
    for (const v of variants) {
      const xs = [...times.get(v.name)!].sort((a, b) => a - b);
      const p50 = percentile(xs, 50);
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      figures[`${c.name} | ${v.name}`] = { p50: +p50.toFixed(2), mean: +mean.toFixed(2) };
      rows.push([c.name, v.name, p50.toFixed(1), percentile(xs, 90).toFixed(1), mean.toFixed(1), (p50 / base).toFixed(2), (p50 - base).toFixed(1)]);
    }
  }
  printTable(rows);
  console.log(JSON.stringify(figures));
} finally {
  removeDir(root);
}

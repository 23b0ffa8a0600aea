// Makespan benchmark: a random DAG of 300 tasks sleeping 0.2-2.5 s on 18 slots; measured
// makespan over the lower bound max(critical path, total / 18), for both schedules, and
// against the list-scheduling prediction of `fleet plan show`. Tasks run in the sandbox (the
// default); the deps schedule once more with `sandbox: none` tells what the sandbox costs.
//   npx vite-node scripts/bench/makespan.ts [--tasks 300] [--slots 18]
import { buildDag, criticalPath, dagFigures, layerDag, simulateMakespan } from '@agentfleet/core';
import { arg, machine, printTable, startRedis } from './common.js';
import { makespanOf, openStore, runToEnd, shellTask, startDaemon, waitIdleWorkers } from './local-fleet.js';

const TASKS = arg('tasks', 300);
const SLOTS = arg('slots', 18);

function randomDag(n: number) {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, (_, i) => {
    const ms = Math.round(200 + rnd() * 2300);
    const deps = new Set<string>();
    if (i >= 10) for (let k = 0, m = Math.floor(rnd() * 3); k < m; k++) deps.add(`t${Math.floor(rnd() * i)}`);
    return shellTask(`t${i}`, `sleep ${(ms / 1000).toFixed(3)}`, [...deps], ms);
  });
}

const tasks = randomDag(TASKS);
const dag = buildDag(tasks);
const cp = criticalPath(dag, layerDag(dag)).ms;
const total = tasks.reduce((s, t) => s + t.estimateMs, 0);
const bound = Math.max(cp, total / SLOTS);
const predicted = { deps: simulateMakespan(tasks, SLOTS, 'deps'), levels: simulateMakespan(tasks, SLOTS, 'levels') };
const figures = dagFigures(dag, SLOTS);

const redis = await startRedis();
const store = openStore(redis.url, 'makespan');
const daemon = await startDaemon(redis.url, 'makespan', 'bench', SLOTS);
try {
  console.log(`makespan benchmark: ${TASKS} tasks, ${SLOTS} slots, ${figures.levels.length} levels; ${machine()}`);
  await waitIdleWorkers(store, SLOTS);
  const measured: Record<string, number> = {};
  for (const schedule of ['deps', 'levels'] as const) {
    const { report } = await runToEnd(store, tasks, schedule);
    if (report.run.status !== 'succeeded') throw new Error(`${schedule} run ${report.run.status}`);
    measured[schedule] = makespanOf(report);
  }
  const unconfined = await runToEnd(store, tasks.map((t) => ({ ...t, sandbox: 'none' as const })), 'deps');
  if (unconfined.report.run.status !== 'succeeded') throw new Error(`deps (sandbox: none) run ${unconfined.report.run.status}`);
  const sandboxHistory = (await runToEnd(store, tasks.slice(0, 1), 'deps')).report.tasks[0]!.history[0]!;
  if (sandboxHistory.sandbox !== 'bwrap') throw new Error(`the benchmark's tasks ran with sandbox ${String(sandboxHistory.sandbox)}, not bwrap`);
  measured.unconfined = makespanOf(unconfined.report);
  const s = (ms: number) => (ms / 1000).toFixed(1);
  printTable([
    ['measure', 'seconds', 'vs lower bound', 'vs predicted'],
    ['lower bound max(cp, total/slots)', s(bound), '1.00', ''],
    ['critical path', s(cp), (cp / bound).toFixed(2), ''],
    ['total work / slots', s(total / SLOTS), (total / SLOTS / bound).toFixed(2), ''],
    ['predicted deps (list scheduling)', s(predicted.deps), (predicted.deps / bound).toFixed(2), '1.00'],
    ['predicted levels', s(predicted.levels), (predicted.levels / bound).toFixed(2), '1.00'],
    ['measured deps', s(measured.deps!), (measured.deps! / bound).toFixed(2), (measured.deps! / predicted.deps).toFixed(2)],
    ['measured levels', s(measured.levels!), (measured.levels! / bound).toFixed(2), (measured.levels! / predicted.levels).toFixed(2)],
    ['measured deps, sandbox: none', s(measured.unconfined!), (measured.unconfined! / bound).toFixed(2), (measured.unconfined! / predicted.deps).toFixed(2)],
  ]);
  console.log(`levels loses ${(((measured.levels! - measured.deps!) / measured.deps!) * 100).toFixed(1)}% against deps`);
  console.log(`the sandbox: deps makespan ${(measured.deps! / measured.unconfined!).toFixed(3)} x the same run with sandbox: none (${s(measured.deps! - measured.unconfined!)} s over ${TASKS} tasks)`);
} finally {
  await daemon.stop();
  await store.close();
  await redis.stop();
}

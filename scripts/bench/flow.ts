// Conditional plans and plans that grow, measured in the store's own scripts against baselines
// taken in the same run, same Redis:
//   - a plan fragment (500 tasks) joining runs of growing size, its parent first or last in
//     the run's task list (expand-9 inserts the fragment after it), against submitting those
//     500 tasks as a run of their own;
//   - the end of a run whose one failure an `after: any` dependent handled (finish-run counts
//     handled failures), against the end of the same run without `after: any`;
//   - one `when:` evaluation (CEL), against the same comparison as a JavaScript closure.
//   npx vite-node scripts/bench/flow.ts [--sizes 1000,10000,96000] [--fragment 500] [--evals 100000]
import { evaluateCondition, makeRunId, type TaskSpec } from '@agentfleet/core';
import { createRedis, FleetStore } from '@agentfleet/store';
import { noConfig, plan, task } from '@agentfleet/testkit';
import { arg, machine, printTable, startRedis } from './common.js';

const sizesArg = process.argv.includes('--sizes') ? process.argv[process.argv.indexOf('--sizes') + 1] : undefined;
const SIZES = sizesArg ? sizesArg.split(',').map(Number) : [1000, 10_000, 96_000];
const FRAGMENT = arg('fragment', 500);
const EVALS = arg('evals', 100_000);

/** Milliseconds `fn` takes, the median of `times` runs. */
async function median(times: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

/** The median of `times` measurements that `measure` returns (ms). */
async function medianOf(times: number, measure: () => Promise<number>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) ms.push(await measure());
  return ms.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

/** A wide run: `n` independent noop tasks. */
async function submitRun(store: FleetStore, tasks: TaskSpec[], name = 'bench'): Promise<string> {
  const runId = makeRunId(new Date(), Math.random);
  await store.runs.submit(plan(tasks, name), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
  return runId;
}

async function claimed(store: FleetStore, runId: string, taskId: string) {
  const c = await store.attempts.claim(runId, taskId, 'bench', 'bench-0');
  if (!c.ok) throw new Error(`claim of ${taskId}: ${c.status}`);
  return { host: 'bench', worker: 'bench-0', attempt: c.attempts, startedAt: c.startedAt };
}

/**
 * A run of `size` tasks with three expanding tasks first in its task list ('a-g0'..: ids sort
 * within a level) and three last ('z-g0'..); each adds a fragment of FRAGMENT tasks (a chain).
 * Median per place, against submitting the same fragment as a run of its own.
 */
async function expansion(store: FleetStore, size: number): Promise<{ first: number; last: number; submit: number }> {
  const fragmentOf = (parent: string) => Array.from({ length: FRAGMENT }, (_, i) => task(`${parent}-f${i}`, i === 0 ? [parent] : [parent, `${parent}-f${i - 1}`]));
  const alone = fragmentOf('x').map((t) => ({ ...t, deps: t.deps.filter((d) => d !== 'x') }));
  const submit = await median(3, () => submitRun(store, alone));
  const parents = ['a-g0', 'a-g1', 'a-g2', 'z-g0', 'z-g1', 'z-g2'];
  const runId = await submitRun(store, [...parents.map((p) => task(p, [], { expands: true })), ...Array.from({ length: size - parents.length }, (_, i) => task(`t${i}`))]);
  const times = new Map<string, number>();
  for (const p of parents) {
    const owner = await claimed(store, runId, p);
    const fragment = fragmentOf(p);
    const t0 = performance.now();
    const res = await store.expansions.expand(runId, p, owner, fragment);
    times.set(p, performance.now() - t0);
    if (!('added' in res) || res.added !== FRAGMENT) throw new Error(`expansion refused: ${JSON.stringify(res)}`);
  }
  const mid = (prefix: string) => [...times].filter(([p]) => p.startsWith(prefix)).map(([, ms]) => ms).sort((x, y) => x - y)[1]!;
  return { first: mid('a-'), last: mid('z-'), submit };
}

/**
 * The end of the run's last task (which ends the run) in a run of `size` tasks where one task
 * failed: plainly (the run fails at once), or handled by an `after: any` dependent (the run
 * reads every task once to know that every failure was handled).
 */
async function runEnd(store: FleetStore, size: number, flow: boolean): Promise<number> {
  const handler = flow ? task('h', ['f'], { anyDeps: ['f'], when: { expression: 'f.failed', names: { f: 'f' } } }) : task('h', ['f']);
  const runId = await submitRun(store, [task('f'), handler, ...Array.from({ length: size - 2 }, (_, i) => task(`t${i}`))]);
  const end = async (id: string, outcome: 'succeeded' | 'failed') =>
    store.attempts.complete({ runId, taskId: id, outcome, result: {}, owner: await claimed(store, runId, id), ...(outcome === 'failed' ? { error: { kind: 'exit_code', message: 'x' } } : {}) });
  await end('f', 'failed');
  if (flow) await end('h', 'succeeded');
  for (let i = 0; i < size - 3; i++) await end(`t${i}`, 'succeeded');
  const owner = await claimed(store, runId, `t${size - 3}`);
  const t0 = performance.now();
  const res = await store.attempts.complete({ runId, taskId: `t${size - 3}`, outcome: 'succeeded', result: {}, owner });
  const ms = performance.now() - t0;
  if (res.runFinished !== (flow ? 'succeeded' : 'failed')) throw new Error(`run ended ${res.runFinished}`);
  return ms;
}

function conditions(): { celUs: number; jsUs: number } {
  const cond = { expression: 'test.failed && analysis.outputs.risk != "high"', names: { test: 'test', analysis: 'analysis' } };
  const outcomes = { test: { status: 'failed', review: null, outputs: {} }, analysis: { status: 'succeeded', review: null, outputs: { risk: 'low' } } };
  const js = (o: typeof outcomes) => o.test.status === 'failed' && o.analysis.outputs.risk !== 'high';
  evaluateCondition(cond, outcomes);
  let t0 = performance.now();
  for (let i = 0; i < EVALS; i++) if (!evaluateCondition(cond, outcomes).ok) throw new Error('cel');
  const celUs = ((performance.now() - t0) * 1000) / EVALS;
  let hits = 0;
  t0 = performance.now();
  for (let i = 0; i < EVALS; i++) if (js(outcomes)) hits++;
  const jsUs = ((performance.now() - t0) * 1000) / EVALS;
  if (hits !== EVALS) throw new Error('js');
  return { celUs, jsUs };
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const store = new FleetStore(createRedis(redis.url), 'flowbench');
  try {
    console.log(`flow benchmark: fragment of ${FRAGMENT} tasks; ${machine()}`);
    const rows: (string | number)[][] = [['measure', 'baseline', 'flow', 'ratio']];
    for (const size of SIZES) {
      const e = await expansion(store, size);
      for (const [where, ms] of [['near the start of', e.first], ['at the end of', e.last]] as const) {
        rows.push([`fragment joins a run of ${size} tasks, parent ${where} its list (ms) vs submitting it alone`, e.submit.toFixed(1), ms.toFixed(1), (ms / e.submit).toFixed(2)]);
      }
    }
    for (const size of SIZES.filter((s) => s <= 20_000)) {
      const plain = await medianOf(3, () => runEnd(store, size, false));
      const flow = await medianOf(3, () => runEnd(store, size, true));
      rows.push([`run end of ${size} tasks (ms): plain vs after any/when`, plain.toFixed(2), flow.toFixed(2), (flow / Math.max(plain, 0.01)).toFixed(1)]);
    }
    const { celUs, jsUs } = conditions();
    rows.push([`one when: evaluation (us), JS closure vs CEL`, jsUs.toFixed(3), celUs.toFixed(2), (celUs / jsUs).toFixed(0)]);
    printTable(rows);
  } finally {
    await store.close();
    await redis.stop();
  }
}

await main();

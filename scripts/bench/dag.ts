// DAG engine benchmark: a random plan of 100k tasks and 1M dependencies, figures without
// parsing (levels, critical path, list-scheduling simulation for deps and levels at 18
// slots), timed against a plain JavaScript topological sort of the same edge list measured
// in the same run. Run: npx vite-node scripts/bench/dag.ts [tasks] [edges]
import {
  buildDag,
  criticalPath,
  dagFigures,
  layerDag,
  parsePlan,
  remainingPathMs,
  simulateMakespan,
  type DagTask,
} from '../../packages/core/src/index.js'; // the source itself, never a stale dist/

const TASKS = Number(process.argv[2] ?? 100_000);
const EDGES = Number(process.argv[3] ?? 1_000_000);
const SLOTS = 18;
const REPEAT = 5;

/** Deterministic PRNG (mulberry32): the same plan on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Tasks in creation order i depend only on earlier ones (so it is a DAG): half of the
 * dependencies within the previous 1000 tasks (local structure, deep paths), half anywhere
 * before. Ids are a random permutation and the list is shuffled, so neither the id order nor
 * the input order is a topological order.
 */
function randomPlan(n: number, m: number): DagTask[] {
  const random = prng(715);
  const perDeps = Math.floor(m / n);
  const counts = Array.from({ length: n }, (_, i) => Math.min(i, perDeps));
  let missing = m - counts.reduce((a, b) => a + b, 0);
  for (let i = n - 1; missing > 0 && i >= 0; i--) {
    const extra = Math.min(missing, i - counts[i]!, 1 + Math.floor(missing / n));
    counts[i]! += extra;
    missing -= extra;
  }
  const name = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [name[i], name[j]] = [name[j]!, name[i]!];
  }
  const tasks: DagTask[] = [];
  for (let i = 0; i < n; i++) {
    const deps = new Set<number>();
    while (deps.size < counts[i]!) {
      const local = random() < 0.5;
      const d = local ? i - 1 - Math.floor(random() * Math.min(i, 1000)) : Math.floor(random() * i);
      deps.add(d);
    }
    tasks.push({ id: `t${name[i]}`, deps: [...deps].map((d) => `t${name[d]}`), estimateMs: (1 + Math.floor(random() * 60)) * 60_000 });
  }
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [tasks[i], tasks[j]] = [tasks[j]!, tasks[i]!];
  }
  return tasks;
}

/** The baseline: the topological sort anyone would write first, with Maps and arrays. */
function plainTopologicalSort(tasks: readonly DagTask[]): string[] {
  const dependents = new Map<string, string[]>();
  const indegree = new Map<string, number>();
  for (const t of tasks) {
    indegree.set(t.id, t.deps.length);
    if (!dependents.has(t.id)) dependents.set(t.id, []);
    for (const d of t.deps) {
      const list = dependents.get(d);
      if (list) list.push(t.id);
      else dependents.set(d, [t.id]);
    }
  }
  const queue: string[] = [];
  for (const [id, deg] of indegree) if (deg === 0) queue.push(id);
  for (let head = 0; head < queue.length; head++) {
    for (const w of dependents.get(queue[head]!)!) {
      const left = indegree.get(w)! - 1;
      indegree.set(w, left);
      if (left === 0) queue.push(w);
    }
  }
  if (queue.length !== tasks.length) throw new Error('cycle');
  return queue;
}

/** Median wall time (ms) of `REPEAT` runs after one warm-up. */
function time<T>(run: () => T): { ms: number; value: T } {
  let value = run();
  const samples: number[] = [];
  for (let r = 0; r < REPEAT; r++) {
    const start = process.hrtime.bigint();
    value = run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)]!, value };
}

const genStart = Date.now();
const tasks = randomPlan(TASKS, EDGES);
const edgeCount = tasks.reduce((s, t) => s + t.deps.length, 0);
console.log(`plan: ${TASKS} tasks, ${edgeCount} dependencies (generated in ${Date.now() - genStart} ms); ${SLOTS} slots; median of ${REPEAT} runs after a warm-up`);
console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);

const baseline = time(() => plainTopologicalSort(tasks));
const build = time(() => buildDag(tasks));
const dag = build.value;
const layer = time(() => layerDag(dag));
const layering = layer.value;
const critical = time(() => criticalPath(dag, layering));
const remaining = time(() => remainingPathMs(dag, layering));
const deps = time(() => simulateMakespan(dag, SLOTS, 'deps', { layering, remainingMs: remaining.value }));
const levels = time(() => simulateMakespan(dag, SLOTS, 'levels', { layering }));
const figures = time(() => dagFigures(buildDag(tasks), SLOTS));

const rows: [string, number][] = [
  ['baseline: plain JS topological sort (Maps)', baseline.ms],
  ['buildDag (ids -> typed-array graph)', build.ms],
  ['layerDag (Kahn levels, ids sorted)', layer.ms],
  ['criticalPath', critical.ms],
  ['remainingPathMs (priorities)', remaining.ms],
  [`simulate deps, ${SLOTS} slots (incl. levels sim)`, deps.ms],
  [`simulate levels, ${SLOTS} slots`, levels.ms],
  ['dagFigures end to end (build + all above)', figures.ms],
];
const width = Math.max(...rows.map(([label]) => label.length));
console.log(`${'step'.padEnd(width)}  ${'ms'.padStart(8)}  x baseline`);
for (const [label, ms] of rows) console.log(`${label.padEnd(width)}  ${ms.toFixed(1).padStart(8)}  ${(ms / baseline.ms).toFixed(2).padStart(10)}`);

const f = figures.value;
console.log('\nfigures:');
console.log(`  levels            ${f.levels.length} (widest ${Math.max(...f.levels.map((l) => l.length))})`);
console.log(`  critical path     ${f.criticalPath.tasks.length} tasks, ${f.criticalPath.minutes} min`);
console.log(`  sequential        ${f.sequentialMinutes} min`);
console.log(`  ideal speedup     ${f.idealSpeedup}x`);
console.log(`  bound, ${SLOTS} slots   ${f.boundMinutes} min`);
console.log(`  predicted         deps ${f.predictedMinutes.deps} min / levels ${f.predictedMinutes.levels} min`);
console.log(`  heap used         ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB`);

// Parsing is not part of the figures above; measured once here for scale (JSON text, validated).
const text = JSON.stringify({ name: 'bench', defaults: { agent: 'noop' }, tasks: tasks.map((t) => ({ id: t.id, deps: t.deps, estimate: `${t.estimateMs / 60_000}m` })) });
const parseStart = process.hrtime.bigint();
const plan = parsePlan(text, 'bench.json');
const parseMs = Number(process.hrtime.bigint() - parseStart) / 1e6;
console.log(`\nparsePlan of the same plan as JSON (${(text.length / 2 ** 20).toFixed(1)} MiB, one run): ${parseMs.toFixed(0)} ms, ${plan.tasks.length} tasks`);

import { InputError } from '../errors.js';

/** What the DAG algorithms need of a task: plans' TaskSpec fits, so do plain objects. */
export interface DagTask {
  readonly id: string;
  readonly deps: readonly string[];
  readonly estimateMs: number;
}

/**
 * A task graph in compressed sparse rows: task i's dependencies are
 * preds[predStart[i] .. predStart[i+1]), its dependents succs[succStart[i] .. succStart[i+1]).
 * Typed arrays keep 100k tasks / 1M edges compact and quick to walk.
 */
export interface Dag {
  readonly size: number;
  readonly edgeCount: number;
  readonly ids: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  readonly estimateMs: Float64Array;
  readonly predStart: Int32Array;
  readonly preds: Int32Array;
  readonly succStart: Int32Array;
  readonly succs: Int32Array;
  /** rank[i]: position of ids[i] in code-unit order; ties in every algorithm go to the lower rank. */
  readonly rank: Int32Array;
  /** Task indices in id order (the inverse of rank). */
  readonly byRank: Int32Array;
}

/**
 * Builds the graph. Duplicate dependencies count once; a duplicate task id or an unknown
 * dependency is an InputError (plans are validated before this, plain inputs are not).
 */
export function buildDag(tasks: readonly DagTask[]): Dag {
  const n = tasks.length;
  const ids = new Array<string>(n);
  const indexOf = new Map<string, number>();
  const estimateMs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const task = tasks[i]!;
    if (indexOf.has(task.id)) throw new InputError([{ taskId: task.id, message: 'duplicate task id' }]);
    ids[i] = task.id;
    indexOf.set(task.id, i);
    estimateMs[i] = task.estimateMs;
  }

  // First pass: resolve dependencies once into a flat array, dropping repeats.
  const predStart = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) total += tasks[i]!.deps.length;
  let preds = new Int32Array(total);
  const seenBy = new Int32Array(n).fill(-1);
  const outDegree = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    predStart[i] = m;
    const task = tasks[i]!;
    for (const dep of task.deps) {
      const d = indexOf.get(dep);
      if (d === undefined) throw new InputError([{ taskId: task.id, message: `unknown dependency '${dep}'` }]);
      if (seenBy[d] === i) continue;
      seenBy[d] = i;
      preds[m++] = d;
      outDegree[d]!++;
    }
  }
  predStart[n] = m;
  if (m < total) preds = preds.slice(0, m);

  const succStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) succStart[i + 1] = succStart[i]! + outDegree[i]!;
  const succs = new Int32Array(m);
  const fill = succStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let e = predStart[i]!; e < predStart[i + 1]!; e++) succs[fill[preds[e]!]!++] = i;
  }

  const byRank = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => compareIds(ids[a]!, ids[b]!));
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[byRank[r]!] = r;

  return { size: n, edgeCount: m, ids, indexOf, estimateMs, predStart, preds, succStart, succs, rank, byRank };
}

/** Code-unit order: the same on every machine and locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

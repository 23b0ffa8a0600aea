import type { Dag } from './graph.js';
import type { Layering } from './levels.js';

export interface CriticalPath {
  /** Task indices from the first task to the last. */
  readonly path: Int32Array;
  readonly ms: number;
}

/**
 * The longest path by estimate (the true critical path, not the widest level).
 * Ties go to the lower id, so the answer is deterministic.
 */
export function criticalPath(dag: Dag, layering: Layering): CriticalPath {
  const n = dag.size;
  if (n === 0) return { path: new Int32Array(0), ms: 0 };
  const { predStart, preds, estimateMs, rank } = dag;
  const finish = new Float64Array(n);
  const via = new Int32Array(n).fill(-1);
  let end = -1;
  for (let p = 0; p < n; p++) {
    const v = layering.order[p]!;
    let best = -1;
    for (let e = predStart[v]!; e < predStart[v + 1]!; e++) {
      const u = preds[e]!;
      if (best === -1 || finish[u]! > finish[best]! || (finish[u] === finish[best] && rank[u]! < rank[best]!)) best = u;
    }
    via[v] = best;
    finish[v] = estimateMs[v]! + (best === -1 ? 0 : finish[best]!);
    if (end === -1 || finish[v]! > finish[end]! || (finish[v] === finish[end] && rank[v]! < rank[end]!)) end = v;
  }
  let length = 0;
  for (let v = end; v !== -1; v = via[v]!) length++;
  const path = new Int32Array(length);
  for (let v = end, at = length - 1; v !== -1; v = via[v]!, at--) path[at] = v;
  return { path, ms: finish[end]! };
}

/**
 * For every task, the longest path from its start to the end of the plan (its own
 * estimate included): the list-scheduling priority, and what a remaining-time ETA needs.
 */
export function remainingPathMs(dag: Dag, layering: Layering): Float64Array {
  const n = dag.size;
  const { succStart, succs, estimateMs } = dag;
  const tail = new Float64Array(n);
  for (let p = n - 1; p >= 0; p--) {
    const v = layering.order[p]!;
    let longest = 0;
    for (let e = succStart[v]!; e < succStart[v + 1]!; e++) {
      const t = tail[succs[e]!]!;
      if (t > longest) longest = t;
    }
    tail[v] = estimateMs[v]! + longest;
  }
  return tail;
}

/** Sum of all estimates: the time one slot would take. */
export function sequentialMs(dag: Dag): number {
  let total = 0;
  for (let i = 0; i < dag.size; i++) total += dag.estimateMs[i]!;
  return total;
}

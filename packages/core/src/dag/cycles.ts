import type { Dag } from './graph.js';

/**
 * One dependency cycle per tangle (strongly connected component) among the given tasks,
 * as a path along the dependency direction: `a -> b -> a` means b depends on a and a on b.
 * Each path starts and ends at the lowest id of its tangle and is a shortest cycle through it.
 * Iterative Tarjan: deep graphs do not overflow the stack. Self-loops are not reported here.
 */
export function findCycles(dag: Dag): string[][] {
  const { rank, ids } = dag;
  const { tangles, component } = tangledComponents(dag);
  const cycles = tangles.map((members) => {
    let start = members[0]!;
    for (const m of members) if (rank[m]! < rank[start]!) start = m;
    return shortestCycleThrough(dag, start, component).map((i) => ids[i]!);
  });
  return cycles.sort((a, b) => rank[dag.indexOf.get(a[0]!)!]! - rank[dag.indexOf.get(b[0]!)!]!);
}

/** Tarjan's state over typed arrays; `callNode`/`callEdge` are the explicit call stack. */
interface Tarjan {
  index: Int32Array;
  low: Int32Array;
  onStack: Uint8Array;
  stack: Int32Array;
  stackTop: number;
  callNode: Int32Array;
  callEdge: Int32Array;
  component: Int32Array;
  nextIndex: number;
  componentCount: number;
  /** components of more than one task */
  tangles: number[][];
}

/** Strongly connected components (iterative Tarjan); `component[i]` names each task's. */
function tangledComponents(dag: Dag): { tangles: number[][]; component: Int32Array } {
  const n = dag.size;
  const t: Tarjan = {
    index: new Int32Array(n).fill(-1),
    low: new Int32Array(n),
    onStack: new Uint8Array(n),
    stack: new Int32Array(n),
    stackTop: 0,
    callNode: new Int32Array(n),
    callEdge: new Int32Array(n),
    component: new Int32Array(n).fill(-1),
    nextIndex: 0,
    componentCount: 0,
    tangles: [],
  };
  for (let root = 0; root < n; root++) if (t.index[root] === -1) visitFrom(dag, t, root);
  return { tangles: t.tangles, component: t.component };
}

function enter(dag: Dag, t: Tarjan, v: number, depth: number): void {
  t.index[v] = t.low[v] = t.nextIndex++;
  t.stack[t.stackTop++] = v;
  t.onStack[v] = 1;
  t.callNode[depth] = v;
  t.callEdge[depth] = dag.succStart[v]!;
}

function visitFrom(dag: Dag, t: Tarjan, root: number): void {
  const { succStart, succs } = dag;
  let depth = 0;
  enter(dag, t, root, 0);
  while (depth >= 0) {
    const v = t.callNode[depth]!;
    const e = t.callEdge[depth]!;
    if (e < succStart[v + 1]!) {
      t.callEdge[depth] = e + 1;
      const w = succs[e]!;
      if (t.index[w] === -1) enter(dag, t, w, ++depth);
      else if (t.onStack[w]) t.low[v] = Math.min(t.low[v]!, t.index[w]!);
      continue;
    }
    if (t.low[v] === t.index[v]) popComponent(t, v);
    depth--;
    if (depth >= 0) {
      const parent = t.callNode[depth]!;
      t.low[parent] = Math.min(t.low[parent]!, t.low[v]!);
    }
  }
}

/** `v` roots a component: its members are on the stack down to `v`. */
function popComponent(t: Tarjan, v: number): void {
  const members: number[] = [];
  let w: number;
  do {
    w = t.stack[--t.stackTop]!;
    t.onStack[w] = 0;
    t.component[w] = t.componentCount;
    members.push(w);
  } while (w !== v);
  if (members.length > 1) t.tangles.push(members);
  t.componentCount++;
}

/** Breadth-first search from `start` back to itself, staying inside its component. */
function shortestCycleThrough(dag: Dag, start: number, component: Int32Array): number[] {
  const { succStart, succs } = dag;
  const parent = new Map<number, number>();
  const queue = [start];
  const own = component[start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (let e = succStart[v]!; e < succStart[v + 1]!; e++) {
      const w = succs[e]!;
      if (component[w] !== own) continue;
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = parent.get(at)!) path.push(at);
        path.push(start);
        return path.reverse();
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

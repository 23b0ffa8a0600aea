import type { Dag } from './graph.js';

/**
 * One dependency cycle per tangle (strongly connected component) among the given tasks,
 * as a path along the dependency direction: `a -> b -> a` means b depends on a and a on b.
 * Each path starts and ends at the lowest id of its tangle and is a shortest cycle through it.
 * Iterative Tarjan: deep graphs do not overflow the stack. Self-loops are not reported here.
 */
export function findCycles(dag: Dag): string[][] {
  const n = dag.size;
  const { succStart, succs, rank, ids } = dag;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let stackTop = 0;
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  const component = new Int32Array(n).fill(-1);
  let nextIndex = 0;
  let componentCount = 0;
  const tangles: number[][] = [];

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = succStart[root]!;
    index[root] = low[root] = nextIndex++;
    stack[stackTop++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callNode[depth]!;
      const e = callEdge[depth]!;
      if (e < succStart[v + 1]!) {
        callEdge[depth] = e + 1;
        const w = succs[e]!;
        if (index[w] === -1) {
          index[w] = low[w] = nextIndex++;
          stack[stackTop++] = w;
          onStack[w] = 1;
          depth++;
          callNode[depth] = w;
          callEdge[depth] = succStart[w]!;
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      if (low[v] === index[v]) {
        const members: number[] = [];
        let w: number;
        do {
          w = stack[--stackTop]!;
          onStack[w] = 0;
          component[w] = componentCount;
          members.push(w);
        } while (w !== v);
        if (members.length > 1) tangles.push(members);
        componentCount++;
      }
      depth--;
      if (depth >= 0) {
        const parent = callNode[depth]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
    }
  }

  const cycles = tangles.map((members) => {
    let start = members[0]!;
    for (const m of members) if (rank[m]! < rank[start]!) start = m;
    return shortestCycleThrough(dag, start, component).map((i) => ids[i]!);
  });
  return cycles.sort((a, b) => rank[dag.indexOf.get(a[0]!)!]! - rank[dag.indexOf.get(b[0]!)!]!);
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

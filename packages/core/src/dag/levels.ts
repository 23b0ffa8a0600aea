import { InputError } from '../errors.js';
import { findCycles } from './cycles.js';
import type { Dag } from './graph.js';

/**
 * Kahn layering. Level 0 holds the tasks without dependencies; a task sits one level
 * below its deepest dependency. `order` lists every task level by level, ids sorted
 * within a level, so it is a deterministic topological order.
 */
export interface Layering {
  readonly order: Int32Array;
  /** Level k is order[levelStart[k] .. levelStart[k+1]). */
  readonly levelStart: Int32Array;
  readonly levelOf: Int32Array;
  readonly levelCount: number;
}

/** Layers the graph; a cycle is an InputError naming it as a path `a -> b -> a`. */
export function layerDag(dag: Dag): Layering {
  const layering = tryLayerDag(dag);
  if (!layering) throw cycleError(dag);
  return layering;
}

/** Layers the graph, or returns undefined when it has a cycle. */
export function tryLayerDag(dag: Dag): Layering | undefined {
  const n = dag.size;
  const { predStart, succStart, succs, byRank } = dag;
  const waiting = new Int32Array(n);
  const levelOf = new Int32Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) {
    waiting[i] = predStart[i + 1]! - predStart[i]!;
    if (waiting[i] === 0) queue[tail++] = i;
  }
  let levelCount = n > 0 ? 1 : 0;
  for (let head = 0; head < tail; head++) {
    const v = queue[head]!;
    const next = levelOf[v]! + 1;
    for (let e = succStart[v]!; e < succStart[v + 1]!; e++) {
      const w = succs[e]!;
      if (levelOf[w]! < next) levelOf[w] = next;
      if (--waiting[w]! === 0) {
        queue[tail++] = w;
        if (next >= levelCount) levelCount = next + 1;
      }
    }
  }
  if (tail < n) return undefined;

  // Bucket by level, walking tasks in id order so every level comes out sorted.
  const levelStart = new Int32Array(levelCount + 1);
  for (let i = 0; i < n; i++) levelStart[levelOf[i]! + 1]!++;
  for (let k = 0; k < levelCount; k++) levelStart[k + 1]! += levelStart[k]!;
  const fill = levelStart.slice(0, levelCount);
  const order = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const i = byRank[r]!;
    order[fill[levelOf[i]!]!++] = i;
  }
  return { order, levelStart, levelOf, levelCount };
}

/** The levels as lists of ids. */
export function levelIds(dag: Dag, layering: Layering): string[][] {
  const levels: string[][] = [];
  for (let k = 0; k < layering.levelCount; k++) {
    const level: string[] = [];
    for (let p = layering.levelStart[k]!; p < layering.levelStart[k + 1]!; p++) level.push(dag.ids[layering.order[p]!]!);
    levels.push(level);
  }
  return levels;
}

/** The first dependency cycle (by lowest id) as a path, or undefined when the graph is acyclic. */
export function findCycle(dag: Dag): string[] | undefined {
  const selfLoop = findSelfLoop(dag);
  if (selfLoop !== undefined) return [selfLoop, selfLoop];
  return findCycles(dag)[0];
}

function findSelfLoop(dag: Dag): string | undefined {
  for (let i = 0; i < dag.size; i++) {
    for (let e = dag.predStart[i]!; e < dag.predStart[i + 1]!; e++) if (dag.preds[e] === i) return dag.ids[i];
  }
  return undefined;
}

function cycleError(dag: Dag): InputError {
  const cycle = findCycle(dag) ?? [];
  return new InputError([{ taskId: cycle[0], message: `dependency cycle: ${cycle.join(' -> ')}` }]);
}

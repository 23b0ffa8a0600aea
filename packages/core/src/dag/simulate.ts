import { InputError } from '../errors.js';
import type { Schedule } from '../plan/types.js';
import { buildDag, type Dag, type DagTask } from './graph.js';
import { IndexHeap } from './heap.js';
import { layerDag, type Layering } from './levels.js';
import { remainingPathMs } from './paths.js';

export interface SimulationOptions {
  /** Tasks already finished: they take no time and their dependents may start. */
  done?: ReadonlySet<string>;
  /** Tasks running now, with the ms they have run so far: they hold a slot from time 0. */
  running?: ReadonlyMap<string, number>;
  /** Reuse a layering already computed for this graph. */
  layering?: Layering;
  /** Reuse remaining-path times already computed for this graph. */
  remainingMs?: Float64Array;
}

/**
 * Predicts the makespan (ms) of the tasks not yet done on `slots` worker slots by greedy
 * list scheduling: whenever a slot is free, start the ready task with the longest remaining
 * path (critical-path priority), ties by id.
 * - `deps`: a task is ready when its dependencies have finished.
 * - `levels`: a task waits for every task of the previous level. Inside a level the tasks
 *   are independent and their remaining paths differ only by their own estimate, so the
 *   priority there is longest estimate first.
 * With `done`/`running` it gives the remaining time of a run (an ETA).
 *
 * Greedy list scheduling has known anomalies (Graham, 1969): relaxing constraints can
 * lengthen its schedule, so on a few graphs the greedy `deps` schedule comes out longer
 * than the `levels` one. A level-barrier schedule also satisfies `deps`, so the `deps`
 * prediction is the shorter of the two: deps never predicts longer than levels.
 */
export function simulateMakespan(tasks: Dag | readonly DagTask[], slots: number, schedule: Schedule, options: SimulationOptions = {}): number {
  if (!Number.isInteger(slots) || slots < 1) throw new InputError(`slots must be a whole number >= 1, not ${slots}`);
  const dag = isDag(tasks) ? tasks : buildDag(tasks);
  const layering = options.layering ?? layerDag(dag);
  const status = taskStatus(dag, options);
  const levels = simulateLevels(dag, slots, status, layering);
  if (schedule === 'levels') return levels;
  return Math.min(levels, simulateDeps(dag, slots, status, options.remainingMs ?? remainingPathMs(dag, layering)));
}

const PENDING = 0;
const RUNNING = 1;
const DONE = 2;

interface Status {
  state: Uint8Array;
  /** ms each task still needs (its estimate, less what a running task has done). */
  needMs: Float64Array;
}

function taskStatus(dag: Dag, options: SimulationOptions): Status {
  const state = new Uint8Array(dag.size);
  const needMs = Float64Array.from(dag.estimateMs);
  for (const id of options.done ?? []) {
    const i = dag.indexOf.get(id);
    if (i !== undefined) state[i] = DONE;
  }
  for (const [id, elapsed] of options.running ?? []) {
    const i = dag.indexOf.get(id);
    if (i === undefined || state[i] === DONE) continue;
    state[i] = RUNNING;
    needMs[i] = Math.max(0, needMs[i]! - elapsed);
  }
  return { state, needMs };
}

function simulateDeps(dag: Dag, slots: number, { state, needMs }: Status, remaining: Float64Array): number {
  const n = dag.size;
  const { predStart, preds, succStart, succs, rank } = dag;
  const finishAt = new Float64Array(n);
  const ready = new IndexHeap(1024, (a, b) => remaining[a]! > remaining[b]! || (remaining[a] === remaining[b] && rank[a]! < rank[b]!));
  const busy = new IndexHeap(Math.min(n, slots), (a, b) => finishAt[a]! < finishAt[b]! || (finishAt[a] === finishAt[b] && rank[a]! < rank[b]!));
  const waiting = new Int32Array(n);
  let left = 0;
  for (let v = 0; v < n; v++) {
    if (state[v] === DONE) continue;
    left++;
    for (let e = predStart[v]!; e < predStart[v + 1]!; e++) if (state[preds[e]!] !== DONE) waiting[v]!++;
    if (state[v] === RUNNING) {
      finishAt[v] = needMs[v]!;
      busy.push(v);
    } else if (waiting[v] === 0) {
      ready.push(v);
    }
  }

  let now = 0;
  while (left > 0) {
    while (busy.size < slots && ready.size > 0) {
      const v = ready.pop();
      finishAt[v] = now + needMs[v]!;
      busy.push(v);
    }
    if (busy.size === 0) throw new InputError('the plan has a dependency cycle; no makespan');
    // Finish everything due at the same moment before choosing what starts next.
    now = finishAt[busy.peek()]!;
    while (busy.size > 0 && finishAt[busy.peek()] === now) {
      const v = busy.pop();
      left--;
      for (let e = succStart[v]!; e < succStart[v + 1]!; e++) {
        const w = succs[e]!;
        if (--waiting[w]! === 0 && state[w] === PENDING) ready.push(w);
      }
    }
  }
  return now;
}

function simulateLevels(dag: Dag, slots: number, { state, needMs }: Status, layering: Layering): number {
  const { order, levelStart, levelCount } = layering;
  const rank = dag.rank;
  // Slot free times within the current level; a min-heap over slot numbers.
  const freeAt = new Float64Array(slots);
  const slotsHeap = new IndexHeap(slots, (a, b) => freeAt[a]! < freeAt[b]! || (freeAt[a] === freeAt[b] && a < b));
  let levelEnd = 0;
  for (let k = 0; k < levelCount; k++) {
    const running: number[] = [];
    const pending: number[] = [];
    for (let p = levelStart[k]!; p < levelStart[k + 1]!; p++) {
      const v = order[p]!;
      if (state[v] === RUNNING) running.push(v);
      else if (state[v] === PENDING) pending.push(v);
    }
    if (running.length === 0 && pending.length === 0) continue;
    pending.sort((a, b) => needMs[b]! - needMs[a]! || rank[a]! - rank[b]!);
    const start = levelEnd;
    // Tasks already running hold their slots first (even beyond `slots`: they are running).
    let finish = start;
    for (const v of running) finish = Math.max(finish, start + needMs[v]!);
    const used = Math.min(running.length, slots);
    const open = Math.min(slots, used + pending.length);
    for (let s = 0; s < open; s++) {
      freeAt[s] = s < used ? start + needMs[running[s]!]! : start;
      slotsHeap.push(s);
    }
    for (const v of pending) {
      const s = slotsHeap.pop();
      freeAt[s] = freeAt[s]! + needMs[v]!;
      if (freeAt[s]! > finish) finish = freeAt[s]!;
      slotsHeap.push(s);
    }
    while (slotsHeap.size > 0) slotsHeap.pop();
    levelEnd = finish;
  }
  return levelEnd;
}

function isDag(value: Dag | readonly DagTask[]): value is Dag {
  return !Array.isArray(value);
}

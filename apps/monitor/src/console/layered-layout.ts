// The layout of a big run (hundreds to thousands of tasks): columns are core's Kahn levels, each
// column ordered by the mean row of the task's dependencies (one sweep; a barycentre heuristic).
// Linear in tasks and edges, so the first view of a 1,000-task run does not wait for dagre's
// crossing minimisation and coordinate assignment (about a second of CPU at that size).
import { buildDag, layerDag, type Dag, type Layering } from '@agentfleet/core';
import type { GraphTask } from '@agentfleet/store';
import type { DagLayout, NodeBox } from './dag-layout.js';

const MARGIN = 12;
const ROW_GAP = 12;
const COLUMN_GAP = 48;

/** Rows of each level: tasks sorted by the mean row of their dependencies, ties by topological order. */
function rowsOf(dag: Dag, layers: Layering): Float64Array {
  const row = new Float64Array(dag.size);
  for (let k = 0; k < layers.levelCount; k++) {
    const level = Array.from(layers.order.subarray(layers.levelStart[k], layers.levelStart[k + 1]));
    const weight = new Map<number, number>();
    for (const t of level) {
      let sum = 0;
      const from = dag.predStart[t]!;
      const to = dag.predStart[t + 1]!;
      for (let p = from; p < to; p++) sum += row[dag.preds[p]!]!;
      weight.set(t, to > from ? sum / (to - from) : 0);
    }
    if (k > 0) level.sort((a, b) => weight.get(a)! - weight.get(b)!);
    level.forEach((t, i) => (row[t] = i));
  }
  return row;
}

export function layeredLayout(tasks: readonly GraphTask[], size: { width: number; height: number }, critical: (dag: Dag, layers: Layering) => string[]): DagLayout {
  const dag = buildDag(tasks);
  const layers = layerDag(dag);
  const row = rowsOf(dag, layers);
  let tallest = 0;
  for (let k = 0; k < layers.levelCount; k++) tallest = Math.max(tallest, layers.levelStart[k + 1]! - layers.levelStart[k]!);
  const step = size.height + ROW_GAP;
  const nodes = new Map<string, NodeBox>();
  for (let i = 0; i < dag.size; i++) {
    const level = layers.levelOf[i]!;
    const count = layers.levelStart[level + 1]! - layers.levelStart[level]!;
    // each column centred against the tallest one
    const top = MARGIN + ((tallest - count) * step) / 2;
    nodes.set(dag.ids[i]!, { x: MARGIN + level * (size.width + COLUMN_GAP), y: top + row[i]! * step, width: size.width, height: size.height });
  }
  const edges: DagLayout['edges'] = [];
  for (const t of tasks) {
    const to = nodes.get(t.id)!;
    for (const d of t.deps) {
      const from = nodes.get(d);
      if (!from) continue;
      const fromPoint = { x: from.x + from.width, y: from.y + from.height / 2 };
      const toPoint = { x: to.x, y: to.y + to.height / 2 };
      edges.push({ from: d, to: t.id, points: [fromPoint, { x: fromPoint.x + COLUMN_GAP / 2, y: fromPoint.y }, { x: toPoint.x - COLUMN_GAP / 2, y: toPoint.y }, toPoint] });
    }
  }
  return {
    width: 2 * MARGIN + layers.levelCount * (size.width + COLUMN_GAP) - COLUMN_GAP,
    height: 2 * MARGIN + tallest * step - ROW_GAP,
    nodes,
    edges,
    critical: critical(dag, layers),
  };
}

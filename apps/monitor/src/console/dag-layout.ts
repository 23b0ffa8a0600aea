// The run's DAG laid out once on the server (dagre; layered-layout.ts for big runs), cached per
// run: a big run is not laid out in the browser, nor again on every page view. The critical path
// comes from core.
import dagre from '@dagrejs/dagre';
import { buildDag, criticalPath, layerDag, type Dag, type Layering } from '@agentfleet/core';
import type { GraphTask } from '@agentfleet/store';
import { layeredLayout } from './layered-layout.js';

export interface NodeBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DagLayout {
  width: number;
  height: number;
  nodes: Map<string, NodeBox>;
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
  /** the tasks of the critical path (longest by estimate), first to last */
  critical: string[];
}

export const NODE_WIDTH = 150;
export const NODE_HEIGHT = 30;
/** Above this many tasks dagre's network simplex ranking is too slow: the longest-path ranker is used. */
const BIG_RUN = 200;
/** Above this many, dagre as a whole is (about a second at 1,000 tasks): the layered layout is used. */
export const HUGE_RUN = 400;

const criticalIds = (dag: Dag, layers: Layering): string[] => Array.from(criticalPath(dag, layers).path, (i) => dag.ids[i]!);

export function layoutDag(tasks: readonly GraphTask[]): DagLayout {
  if (tasks.length > HUGE_RUN) return layeredLayout(tasks, { width: NODE_WIDTH, height: NODE_HEIGHT }, criticalIds);
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: 48, marginx: 12, marginy: 12, ranker: tasks.length > BIG_RUN ? 'longest-path' : 'network-simplex' });
  g.setDefaultEdgeLabel(() => ({}));
  for (const t of tasks) g.setNode(t.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const t of tasks) for (const d of t.deps) g.setEdge(d, t.id);
  dagre.layout(g);
  const nodes = new Map<string, NodeBox>();
  for (const id of g.nodes()) {
    const n = g.node(id);
    nodes.set(id, { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height });
  }
  const edges = g.edges().map((e: { v: string; w: string }) => ({ from: e.v, to: e.w, points: ((g.edge(e) as { points?: { x: number; y: number }[] }).points ?? []).map((p) => ({ x: p.x, y: p.y })) }));
  const dag = buildDag(tasks);
  const graph = g.graph();
  return { width: graph.width ?? 0, height: graph.height ?? 0, nodes, edges, critical: criticalIds(dag, layerDag(dag)) };
}

/** Layouts by run, computed on first use; a run whose task count changed (a plan that grew) is laid out again. */
export class LayoutCache {
  private readonly cache = new Map<string, { size: number; layout: DagLayout }>();

  constructor(private readonly max = 32) {}

  has(runId: string): boolean {
    return this.cache.has(runId);
  }

  get(runId: string, tasks: readonly GraphTask[]): DagLayout {
    const hit = this.cache.get(runId);
    if (hit && hit.size === tasks.length) {
      this.cache.delete(runId);
      this.cache.set(runId, hit); // most recently used last
      return hit.layout;
    }
    const layout = layoutDag(tasks);
    this.cache.set(runId, { size: tasks.length, layout });
    while (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
    return layout;
  }
}

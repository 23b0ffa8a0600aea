// The run page's layouts: dagre for ordinary runs, the layered layout for big ones; either way
// a user sees every task once, no box over another, each dependency left of what needs it, and
// edges that leave the dependency and reach the dependent.
import { describe, expect, it } from 'vitest';
import type { GraphTask } from '@agentfleet/store';
import { HUGE_RUN, layoutDag, type DagLayout } from '../src/console/dag-layout.js';

/** Levels of 25 tasks, each depending on two of the level before, plus a task skipping levels. */
function wideRun(size: number): GraphTask[] {
  const tasks = Array.from({ length: size }, (_, i) => {
    const level = Math.floor(i / 25);
    const deps = level === 0 ? [] : [...new Set([(level - 1) * 25 + ((i * 7) % 25), (level - 1) * 25 + ((i * 11 + 3) % 25)])].map((d) => `t${d}`);
    return { id: `t${i}`, deps, estimateMs: 60_000 + (i % 7) * 30_000, status: 'queued', agent: 'shell', title: `task ${i}` } as unknown as GraphTask;
  });
  tasks.push({ ...tasks[0]!, id: 'late', deps: ['t0', `t${size - 1}`] } as GraphTask);
  return tasks;
}

function expectReadable(tasks: GraphTask[], layout: DagLayout): void {
  expect(layout.nodes.size).toBe(tasks.length);
  const boxes = [...layout.nodes.values()];
  for (const b of boxes) {
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.y).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(layout.width + 0.5);
    expect(b.y + b.height).toBeLessThanOrEqual(layout.height + 0.5);
  }
  // no two boxes overlap (sorted by x, then a sweep over the boxes sharing columns)
  const byX = [...layout.nodes].sort((a, b) => a[1].x - b[1].x);
  for (let i = 0; i < byX.length; i++) {
    const [id, a] = byX[i]!;
    for (let j = i + 1; j < byX.length && byX[j]![1].x < a.x + a.width; j++) {
      const [other, b] = byX[j]!;
      const apart = b.y >= a.y + a.height || a.y >= b.y + b.height;
      expect(apart, `${id} and ${other} overlap`).toBe(true);
    }
  }
  const edgeCount = tasks.reduce((n, t) => n + t.deps.length, 0);
  expect(layout.edges).toHaveLength(edgeCount);
  for (const e of layout.edges) {
    const from = layout.nodes.get(e.from)!;
    const to = layout.nodes.get(e.to)!;
    expect(from.x + from.width, `${e.from} left of ${e.to}`).toBeLessThanOrEqual(to.x);
    const first = e.points[0]!;
    const last = e.points.at(-1)!;
    expect(first.x).toBeGreaterThanOrEqual(from.x + from.width / 2 - 0.5);
    expect(last.x).toBeLessThanOrEqual(to.x + to.width / 2 + 0.5);
  }
  // the critical path is a chain of dependencies
  const deps = new Map(tasks.map((t) => [t.id, t.deps]));
  layout.critical.slice(1).forEach((id, i) => expect(deps.get(id)).toContain(layout.critical[i]));
}

describe('run page layouts', () => {
  it(`a run of more than ${HUGE_RUN} tasks gets the layered layout: every task, no overlap, dependencies to the left`, () => {
    const tasks = wideRun(1000);
    const layout = layoutDag(tasks);
    expectReadable(tasks, layout);
    // columns are the levels: 40 levels of 25, and the late task in a column of its own
    expect(new Set([...layout.nodes.values()].map((b) => b.x)).size).toBe(41);
    expect(layout.critical.length).toBeGreaterThanOrEqual(40);
  });

  it('an ordinary run is laid out by dagre with the same guarantees', () => {
    const tasks = wideRun(100);
    expectReadable(tasks, layoutDag(tasks));
  });
});

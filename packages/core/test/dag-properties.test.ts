import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDag, criticalPath, layerDag, levelIds, planFigures, sequentialMs, simulateMakespan, type DagTask } from '../src/index.js';

/**
 * Random DAGs: edges only go from a lower to a higher position, so they are acyclic; ids are
 * a shuffled naming so that id order says nothing about the topological order.
 */
const randomDag = fc
  .integer({ min: 1, max: 40 })
  .chain((n) =>
    fc.record({
      estimates: fc.array(fc.integer({ min: 0, max: 120 }), { minLength: n, maxLength: n }),
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 }),
      names: fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => `t${i}`),
        { minLength: n, maxLength: n },
      ),
      slots: fc.integer({ min: 1, max: 8 }),
    }),
  )
  .map(({ estimates, edges, names, slots }) => {
    const deps = estimates.map(() => new Set<string>());
    for (const [x, y] of edges) if (x !== y) deps[Math.max(x, y)]!.add(names[Math.min(x, y)]!);
    const tasks: DagTask[] = estimates.map((estimateMs, i) => ({ id: names[i]!, deps: [...deps[i]!], estimateMs }));
    return { tasks, slots };
  });

/** Every path's length by brute force: longest path ending at each task, memoised. */
function longestPathByBruteForce(tasks: DagTask[]): number {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const memo = new Map<string, number>();
  const endAt = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const task = byId.get(id)!;
    const value = task.estimateMs + Math.max(0, ...task.deps.map(endAt));
    memo.set(id, value);
    return value;
  };
  return Math.max(0, ...tasks.map((t) => endAt(t.id)));
}

const runs = { numRuns: 300 };

describe('DAG properties on random graphs', () => {
  it('levels hold every task once, respect every edge, and are sorted', () => {
    fc.assert(
      fc.property(randomDag, ({ tasks }) => {
        const dag = buildDag(tasks);
        const levels = levelIds(dag, layerDag(dag));
        const levelOf = new Map(levels.flatMap((ids, k) => ids.map((id) => [id, k] as const)));
        expect(levelOf.size).toBe(tasks.length);
        for (const task of tasks) {
          for (const dep of task.deps) expect(levelOf.get(dep)!).toBeLessThan(levelOf.get(task.id)!);
          // Kahn levels: a task sits right below its deepest dependency.
          const expected = task.deps.length ? Math.max(...task.deps.map((d) => levelOf.get(d)!)) + 1 : 0;
          expect(levelOf.get(task.id)).toBe(expected);
        }
        for (const ids of levels) expect(ids).toEqual([...ids].sort());
      }),
      runs,
    );
  });

  it('the critical path is a real path, and at least as long as any path', () => {
    fc.assert(
      fc.property(randomDag, fc.infiniteStream(fc.nat()), ({ tasks }, choices) => {
        const dag = buildDag(tasks);
        const { path, ms } = criticalPath(dag, layerDag(dag));
        const ids = Array.from(path, (i) => dag.ids[i]!);
        const byId = new Map(tasks.map((t) => [t.id, t]));
        for (let k = 1; k < ids.length; k++) expect(byId.get(ids[k]!)!.deps).toContain(ids[k - 1]);
        expect(ids.reduce((sum, id) => sum + byId.get(id)!.estimateMs, 0)).toBe(ms);
        expect(ms).toBe(longestPathByBruteForce(tasks));
        // A random walk backwards along dependencies is a path: never longer.
        const pick = choices[Symbol.iterator]();
        let at = tasks[pick.next().value % tasks.length]!;
        let walked = at.estimateMs;
        while (at.deps.length) {
          at = byId.get(at.deps[pick.next().value % at.deps.length]!)!;
          walked += at.estimateMs;
        }
        expect(walked).toBeLessThanOrEqual(ms);
      }),
      runs,
    );
  });

  it('simulated makespans lie between the lower bound and the sequential total; deps never exceeds levels', () => {
    fc.assert(
      fc.property(randomDag, ({ tasks, slots }) => {
        const dag = buildDag(tasks);
        const critical = criticalPath(dag, layerDag(dag)).ms;
        const total = sequentialMs(dag);
        const bound = Math.max(critical, total / slots);
        const deps = simulateMakespan(dag, slots, 'deps');
        const levels = simulateMakespan(dag, slots, 'levels');
        for (const makespan of [deps, levels]) {
          expect(makespan).toBeGreaterThanOrEqual(bound - 1e-9);
          expect(makespan).toBeLessThanOrEqual(total);
        }
        expect(deps).toBeLessThanOrEqual(levels);
        // With a slot for every task nothing waits for a slot: deps is exactly the critical path.
        expect(simulateMakespan(dag, tasks.length, 'deps')).toBe(critical);
      }),
      runs,
    );
  });

  it('planFigures agrees with the parts and keeps its invariants in minutes', () => {
    fc.assert(
      fc.property(randomDag, ({ tasks, slots }) => {
        const minuteTasks = tasks.map((t) => ({ ...t, estimateMs: t.estimateMs * 60_000 }));
        const f = planFigures({ tasks: minuteTasks }, slots);
        expect(f.levels.flat().sort()).toEqual(tasks.map((t) => t.id).sort());
        expect(f.boundMinutes).toBeGreaterThanOrEqual(f.criticalPath.minutes);
        expect(f.predictedMinutes.deps).toBeGreaterThanOrEqual(f.boundMinutes);
        expect(f.predictedMinutes.deps).toBeLessThanOrEqual(f.predictedMinutes.levels);
        expect(f.predictedMinutes.levels).toBeLessThanOrEqual(f.sequentialMinutes);
      }),
      runs,
    );
  });

  it('an ETA never grows as tasks finish in topological order', () => {
    fc.assert(
      fc.property(randomDag, ({ tasks, slots }) => {
        const dag = buildDag(tasks);
        const layering = layerDag(dag);
        const done = new Set<string>();
        let previous = simulateMakespan(dag, slots, 'levels', { layering });
        for (const p of layering.order) {
          done.add(dag.ids[p]!);
          const eta = simulateMakespan(dag, slots, 'levels', { layering, done });
          expect(eta).toBeLessThanOrEqual(previous);
          previous = eta;
        }
        expect(previous).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { buildDag, criticalPath, findCycle, InputError, layerDag, levelIds, parsePlan, planFigures, remainingPathMs, simulateMakespan, type DagTask } from '../src/index.js';

const MIN = 60_000;
const t = (id: string, minutes: number, deps: string[] = []): DagTask => ({ id, deps, estimateMs: minutes * MIN });

const chain = [t('analysis', 5), t('impl', 30, ['analysis']), t('test', 15, ['impl']), t('review', 10, ['test'])];

describe('DAG figures on hand-computed cases', () => {
  it('the 4-task chain: critical path 60 min, speedup 1.0', () => {
    expect(planFigures({ tasks: chain }, 18)).toEqual({
      levels: [['analysis'], ['impl'], ['test'], ['review']],
      criticalPath: { tasks: ['analysis', 'impl', 'test', 'review'], minutes: 60 },
      sequentialMinutes: 60,
      idealSpeedup: 1,
      slots: 18,
      boundMinutes: 60,
      predictedMinutes: { deps: 60, levels: 60 },
    });
  });

  it('the same chain written as a plan, with a default estimate for a task without one', () => {
    const plan = parsePlan(
      ['defaults: { agent: noop, estimate: 7m }', 'tasks:', '  - { id: analysis, estimate: 5m }', '  - { id: impl, deps: [analysis] }'].join('\n'),
      'p.yaml',
    );
    const f = planFigures(plan, 4);
    expect(f.criticalPath).toEqual({ tasks: ['analysis', 'impl'], minutes: 12 });
  });

  it('the widest level is not the critical path; levels wait at the barrier, deps do not', () => {
    // a(10) -> b(1) and c(1) -> d(10): per-level maxima add up to 20, the longest path is 11.
    const tasks = [t('d', 10, ['c']), t('b', 1, ['a']), t('c', 1), t('a', 10)];
    expect(planFigures({ tasks }, 2)).toEqual({
      levels: [['a', 'c'], ['b', 'd']],
      criticalPath: { tasks: ['a', 'b'], minutes: 11 },
      sequentialMinutes: 22,
      idealSpeedup: 2,
      slots: 2,
      boundMinutes: 11,
      predictedMinutes: { deps: 11, levels: 20 },
    });
    expect(planFigures({ tasks }, 1).predictedMinutes).toEqual({ deps: 22, levels: 22 });
  });

  it('a critical path that skips the widest level and the longest single task', () => {
    // Level 1 is widest (w1..w4, 8 min each); the longest path x(12) -> y(12) -> z(12) = 36 runs beside it;
    // the single longest task (big, 30 min) is not on it.
    const tasks = [t('root', 2), t('w1', 8, ['root']), t('w2', 8, ['root']), t('w3', 8, ['root']), t('w4', 8, ['root']), t('x', 12), t('y', 12, ['x']), t('z', 12, ['y']), t('big', 30)];
    const f = planFigures({ tasks }, 3);
    expect(f.levels).toEqual([['big', 'root', 'x'], ['w1', 'w2', 'w3', 'w4', 'y'], ['z']]);
    expect(f.criticalPath).toEqual({ tasks: ['x', 'y', 'z'], minutes: 36 });
    expect(f.sequentialMinutes).toBe(100);
    expect(f.idealSpeedup).toBe(2.78);
    expect(f.boundMinutes).toBe(36); // max(36, 100 / 3 = 33.33)
    // deps on 3 slots (longest remaining path first): t0 x (36 left), big (30), root (10);
    // t2 w1; t10 w2; t12 y; t18 w3; t24 z (12 left beats w4's 8); t26 w4; z ends at t36.
    expect(f.predictedMinutes.deps).toBe(36);
    // levels: L0 {big 30, x 12, root 2} = 30; L1 {y 12, w 8 x4} on 3 slots = 16; L2 z = 12.
    expect(f.predictedMinutes.levels).toBe(58);
  });

  it('a diamond on 2 slots, and the remaining time (ETA) of a run under way', () => {
    const tasks = [t('a', 5), t('b', 10, ['a']), t('c', 20, ['a']), t('d', 5, ['a']), t('e', 5, ['b', 'c', 'd'])];
    const f = planFigures({ tasks }, 2);
    expect(f.criticalPath).toEqual({ tasks: ['a', 'c', 'e'], minutes: 30 });
    expect(f.boundMinutes).toBe(30);
    expect(f.predictedMinutes).toEqual({ deps: 30, levels: 30 });
    // a is done, c has run 5 of its 20 minutes: c needs 15 more, then e.
    const eta = simulateMakespan(tasks, 2, 'deps', { done: new Set(['a']), running: new Map([['c', 5 * MIN]]) });
    expect(eta).toBe(20 * MIN);
    expect(simulateMakespan(tasks, 2, 'levels', { done: new Set(['a']), running: new Map([['c', 5 * MIN]]) })).toBe(20 * MIN);
    expect(simulateMakespan(tasks, 2, 'deps', { done: new Set(['a', 'b', 'c', 'd', 'e']) })).toBe(0);
  });

  it('idealSpeedup rounds to 2 decimals; an all-zero plan has speedup 1', () => {
    const tasks = [t('a', 3), t('b', 3), t('c', 1, ['a'])];
    expect(planFigures({ tasks }, 18).idealSpeedup).toBe(1.75);
    expect(planFigures({ tasks: [t('a', 0), t('b', 0, ['a'])] }, 2)).toMatchObject({ idealSpeedup: 1, boundMinutes: 0, predictedMinutes: { deps: 0, levels: 0 } });
  });

  it('an empty task list has empty figures', () => {
    expect(planFigures({ tasks: [] }, 4)).toEqual({
      levels: [],
      criticalPath: { tasks: [], minutes: 0 },
      sequentialMinutes: 0,
      idealSpeedup: 1,
      slots: 4,
      boundMinutes: 0,
      predictedMinutes: { deps: 0, levels: 0 },
    });
  });
});

describe('DAG building blocks', () => {
  it('levels are deterministic: ids sorted within a level whatever the input order', () => {
    const tasks = [t('z', 1), t('m', 1, ['z']), t('a', 1), t('b', 1, ['a', 'z'])];
    const reversed = [...tasks].reverse();
    for (const input of [tasks, reversed]) {
      const dag = buildDag(input);
      expect(levelIds(dag, layerDag(dag))).toEqual([['a', 'z'], ['b', 'm']]);
    }
  });

  it('remaining path: the longest way from a task to the end', () => {
    const dag = buildDag(chain);
    const rest = remainingPathMs(dag, layerDag(dag));
    expect(Array.from(rest, (ms) => ms / MIN)).toEqual([60, 55, 25, 10]);
    expect(criticalPath(dag, layerDag(dag)).ms).toBe(60 * MIN);
  });

  it('finds a cycle as a path, and layering a cyclic graph is an InputError naming it', () => {
    const dag = buildDag([t('a', 1, ['c']), t('b', 1, ['a']), t('c', 1, ['b']), t('d', 1, ['c'])]);
    expect(findCycle(dag)).toEqual(['a', 'b', 'c', 'a']);
    expect(() => layerDag(dag)).toThrow(InputError);
    expect(() => layerDag(dag)).toThrow('dependency cycle: a -> b -> c -> a');
    expect(findCycle(buildDag([t('s', 1, ['s'])]))).toEqual(['s', 's']);
    expect(findCycle(buildDag(chain))).toBeUndefined();
  });

  it('rejects unknown dependencies, duplicate ids and bad slot counts of plain inputs', () => {
    expect(() => buildDag([t('a', 1, ['x'])])).toThrow("unknown dependency 'x'");
    expect(() => buildDag([t('a', 1), t('a', 2)])).toThrow('duplicate task id');
    expect(() => planFigures({ tasks: chain }, 0)).toThrow('slots must be a whole number >= 1');
  });

  it('counts a repeated dependency once', () => {
    const dag = buildDag([t('a', 1), t('b', 1, ['a', 'a'])]);
    expect(dag.edgeCount).toBe(1);
  });

  it('handles a 100k-task chain without deep recursion', () => {
    const n = 100_000;
    const tasks = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, deps: i ? [`t${i - 1}`] : [], estimateMs: MIN }));
    const f = planFigures({ tasks }, 18);
    expect(f.levels).toHaveLength(n);
    expect(f.criticalPath.minutes).toBe(n);
    expect(f.predictedMinutes).toEqual({ deps: n, levels: n });
    const cyclic = buildDag([...tasks.slice(1), { id: 't0', deps: [`t${n - 1}`], estimateMs: MIN }]);
    expect(findCycle(cyclic)).toHaveLength(n + 1);
  });
});

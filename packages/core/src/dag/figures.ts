import { InputError } from '../errors.js';
import { buildDag, type Dag, type DagTask } from './graph.js';
import { layerDag, levelIds } from './levels.js';
import { criticalPath, remainingPathMs, sequentialMs } from './paths.js';
import { simulateMakespan } from './simulate.js';

/** The figures of `fleet plan show --json`: a contract (DESIGN.md), add fields, rename none. */
export interface PlanFigures {
  levels: string[][];
  criticalPath: { tasks: string[]; minutes: number };
  sequentialMinutes: number;
  /** sequential / critical path, 2 decimals. */
  idealSpeedup: number;
  slots: number;
  /** max(critical path, sequential / slots): no schedule on `slots` slots can beat it. */
  boundMinutes: number;
  predictedMinutes: { deps: number; levels: number };
}

/** DAG figures of a plan (or of any list of {id, deps, estimateMs}) for a slot count. */
export function planFigures(plan: { readonly tasks: readonly DagTask[] }, slots: number): PlanFigures {
  return dagFigures(buildDag(plan.tasks), slots);
}

export function dagFigures(dag: Dag, slots: number): PlanFigures {
  if (!Number.isInteger(slots) || slots < 1) throw new InputError(`slots must be a whole number >= 1, not ${slots}`);
  const layering = layerDag(dag);
  const critical = criticalPath(dag, layering);
  const sequential = sequentialMs(dag);
  const remainingMs = remainingPathMs(dag, layering);
  const deps = simulateMakespan(dag, slots, 'deps', { layering, remainingMs });
  const levels = simulateMakespan(dag, slots, 'levels', { layering });
  return {
    levels: levelIds(dag, layering),
    criticalPath: { tasks: Array.from(critical.path, (i) => dag.ids[i]!), minutes: minutes(critical.ms) },
    sequentialMinutes: minutes(sequential),
    idealSpeedup: critical.ms > 0 ? round2(sequential / critical.ms) : 1,
    slots,
    boundMinutes: minutes(Math.max(critical.ms, sequential / slots)),
    predictedMinutes: { deps: minutes(deps), levels: minutes(levels) },
  };
}

function minutes(ms: number): number {
  return round2(ms / 60_000);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

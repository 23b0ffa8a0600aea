import { makeRunId } from '../ids.js';

/** Eval ids: generated (`e20261121-080000-ab12`), also accepted from the command line. */
export const EVAL_ID_PATTERN = /^e\d{8}-\d{6}-[a-z0-9]{4}$/;

export function isEvalId(id: string): boolean {
  return EVAL_ID_PATTERN.test(id);
}

/** An eval id: a run id's stamp and suffix, after an `e`. */
export function makeEvalId(now: Date, random: () => number = Math.random): string {
  return `e${makeRunId(now, random).slice(1)}`;
}

/** The run id of an eval's trial number `index` (from 0): deterministic, so launching again adds nothing twice. */
export function trialRunId(evalId: string, index: number): string {
  return `${evalId}-${index + 1}`;
}

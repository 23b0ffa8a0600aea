import type { EvalCase, EvalStatus, EvalVariant, HiddenFile, TrialSpec } from '@agentfleet/core';
import type { RunConfig } from '../types.js';

/** An eval as Redis holds it: what it runs and how far it got. */
export interface EvalRecord {
  id: string;
  name: string;
  /** the suite file as the user named it */
  suite: string;
  status: EvalStatus;
  stopReason: string | null;
  /** epoch ms */
  createdAt: number;
  finishedAt: number | null;
  repeat: number;
  budgetUsd: number | null;
  /** results to the cases' remotes (`--push`), not to the hosts' scratch repositories */
  push: boolean;
  variants: EvalVariant[];
  cases: EvalCase[];
  /** every trial, in launch order */
  trials: TrialSpec[];
  /** the config its runs get (a variant's runs: the chain limited to its provider) */
  config: RunConfig;
  /** trials whose runs were submitted (launch order) */
  launched: number;
}

/** What `fleet eval` writes: the record's fixed part and the hidden files of each case. */
export type NewEval = Omit<EvalRecord, 'status' | 'stopReason' | 'createdAt' | 'finishedAt' | 'launched'> & {
  hidden: Record<string, HiddenFile[]>;
};

/** The eval figures the monitor exports (labels bounded: agent kinds, tiers, providers of fleet.yaml, statuses). */
export interface EvalFigures {
  /** evals kept in Redis, by status */
  evals: Record<EvalStatus, number>;
  /** the trials of unsettled evals, by status (pending: not ended or not launched yet) */
  trials: Record<'pending' | 'solved' | 'unsolved' | 'cancelled', number>;
  /** durable totals of recorded trials */
  totals: { agent: string; tier: string; provider: string; status: string; count: number }[];
  cost: { agent: string; tier: string; provider: string; usd: number }[];
}

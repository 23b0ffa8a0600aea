import { expandMatrix, InputError, makeEvalId, mergeMatrix, parseMatrixFlags, planTrials, variantProblems, type EvalCase, type EvalVariant, type FleetConfig, type Problem } from '@agentfleet/core';
import type { NewEval } from '@agentfleet/store';
import { resolveRef } from '@agentfleet/workspace';
import type { FleetContext } from '../fleet-context.js';
import { ensureLocalFleet } from '../local-fleet.js';
import { checkLocalHostFiles } from '../local-host.js';
import { loadSuiteFile, type LoadedSuite } from './suite-file.js';

export interface EvalRunOptions {
  matrix: string[];
  repeat: number;
  budget?: number;
  push?: boolean;
  watch?: boolean;
  json?: boolean;
}

export interface CheckedEval {
  loaded: LoadedSuite;
  variants: EvalVariant[];
}

/** Everything that can be checked before Redis is opened: the suite and what it names, the matrix, the providers it needs. */
export async function checkEval(path: string, opts: EvalRunOptions, config: FleetConfig): Promise<CheckedEval> {
  const loaded = await loadSuiteFile(path);
  const variants = expandMatrix(mergeMatrix(loaded.suite.matrix, parseMatrixFlags(opts.matrix)), loaded.suite.agent);
  const problems = variantProblems(variants, config.providers);
  if (problems.length) throw new InputError(problems);
  checkLocalHostFiles(config);
  return { loaded, variants };
}

/** Each case's repository resolved to a commit once (a repository or ref that cannot be read is bad input, named with its case). */
async function resolveCases(loaded: LoadedSuite, file: string): Promise<EvalCase[]> {
  const commits = new Map<string, Promise<string>>();
  const problems: Problem[] = [];
  const cases: EvalCase[] = [];
  for (const c of loaded.suite.cases) {
    const url = loaded.repos[c.id]!;
    const key = `${url}\n${c.ref}`;
    if (!commits.has(key)) commits.set(key, resolveRef(url, c.ref));
    try {
      const baseCommit = await commits.get(key)!;
      const hiddenPaths = (loaded.hidden[c.id] ?? []).map((f) => f.path);
      cases.push({ id: c.id, repo: { url, ref: c.ref, ...(c.setup ? { setup: c.setup } : {}) }, baseCommit, task: c.task, hiddenPaths });
    } catch (e) {
      problems.push({ file, line: c.line, column: c.column, message: `case '${c.id}': ${(e as Error).message}` });
    }
  }
  if (problems.length) throw new InputError(problems);
  return cases;
}

/**
 * Submits an eval: its cases resolved to commits, then the eval with its variants, trials and
 * hidden files written in one transaction (bad input writes nothing), the local fleet started
 * when it is the fleet, and the trials launched as ordinary runs. Launching resumes on the
 * daemon holding the reconciler lease should this process die meanwhile.
 */
export async function submitEval(fleet: FleetContext, path: string, checked: CheckedEval, opts: EvalRunOptions): Promise<NewEval> {
  const { loaded, variants } = checked;
  const cases = await resolveCases(loaded, path);
  const id = makeEvalId(new Date());
  const { providers, pricing, budgets, git } = fleet.config;
  const e: NewEval = {
    id,
    name: loaded.suite.name,
    suite: path,
    repeat: opts.repeat,
    budgetUsd: opts.budget ?? null,
    push: Boolean(opts.push),
    variants,
    cases,
    trials: planTrials(id, cases.map((c) => c.id), variants, opts.repeat),
    config: { providers, pricing, budgets, git },
    hidden: loaded.hidden,
  };
  await fleet.store.evals.write.create(e);
  await ensureLocalFleet(fleet);
  await fleet.store.evals.write.launch(id, `cli:${process.pid}`);
  return e;
}

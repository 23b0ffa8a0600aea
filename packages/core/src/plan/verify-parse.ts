import { normalRepoPath } from '../repo-path.js';
import type { RawPlan, RawTask } from './schema.js';
import type { PlanDefaults, TaskSpec } from './types.js';
import { VERIFY_DEFAULTS, type IntegrateSpec, type SetupSpec } from './verify-types.js';

type RawCheck = string | string[] | undefined;

/** `check: npm test` and `check: [npm test]` are the same list. */
export function checksOf(raw: RawCheck): string[] | undefined {
  if (raw === undefined) return undefined;
  return (typeof raw === 'string' ? [raw] : raw).map((c) => c.trim());
}

/** The check keys of `defaults`, as PlanDefaults fields (only those given). */
export function verifyDefaults(d: RawPlan['defaults']): Pick<PlanDefaults, 'checks' | 'checkTimeoutMs' | 'fixRounds'> {
  const checks = checksOf(d?.check);
  return {
    ...(checks ? { checks } : {}),
    ...(d?.check_timeout !== undefined ? { checkTimeoutMs: d.check_timeout } : {}),
    ...(d?.fix_rounds !== undefined ? { fixRounds: d.fix_rounds } : {}),
  };
}

/** A task's own check keys, else the plan's defaults (set only when either gives them). */
export function applyTaskChecks(task: TaskSpec, t: RawTask, defaults: PlanDefaults): void {
  const checks = checksOf(t.check) ?? defaults.checks;
  if (checks) task.checks = checks;
  const timeout = t.check_timeout ?? defaults.checkTimeoutMs;
  if (timeout !== undefined) task.checkTimeoutMs = timeout;
  const rounds = t.fix_rounds ?? defaults.fixRounds;
  if (rounds !== undefined) task.fixRounds = rounds;
}

type RawSetup = NonNullable<NonNullable<RawPlan['repo']>['setup']>;

export function setupOf(s: RawSetup | undefined): SetupSpec | undefined {
  if (!s) return undefined;
  const paths = (list: string[] | undefined) => [...new Set((list ?? []).map(normalRepoPath))];
  return { run: s.run, key: paths(s.key), keep: paths(s.keep), timeoutMs: s.timeout ?? VERIFY_DEFAULTS.setupTimeoutMs, ...(s.network ? { network: s.network } : {}) };
}

export function integrateOf(i: RawPlan['integrate']): IntegrateSpec | undefined {
  if (!i) return undefined;
  return {
    ...(i.branch ? { branch: i.branch } : {}),
    checks: checksOf(i.check) ?? [],
    ...(i.resolver ? { resolver: i.resolver } : {}),
    ...(i.timeout !== undefined ? { timeoutMs: i.timeout } : {}),
  };
}

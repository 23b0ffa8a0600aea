import { InputError, type Problem } from '../errors.js';
import { checkCondition } from '../condition/check.js';
import { parseSource, type SourceDoc } from '../source.js';
import { isRecord, planIssueProblems } from './problems.js';
import { planSchema, PLAN_NAME_PATTERN, type RawPlan, type RawTask } from './schema.js';
import { applyTaskSandbox, sandboxDefaults } from './sandbox-parse.js';
import { checkSandboxFields } from './sandbox-semantic.js';
import { checkTasks } from './semantic.js';
import { isModelBacked, PLAN_DEFAULTS, type ApprovalSpec, type Plan, type PlanDefaults, type TaskSpec } from './types.js';
import { applyTaskChecks, integrateOf, setupOf, verifyDefaults } from './verify-parse.js';

export interface ParseOptions {
  /** what a plan without `defaults` starts from (a fragment: the running plan's defaults) */
  defaults?: PlanDefaults;
  /** ids a dependency may name outside the document (a fragment: the run's tasks) */
  external?: ReadonlySet<string>;
  /** a plan fragment (plan-fragment.ts): tasks only, and an empty list is allowed */
  fragment?: boolean;
}

/**
 * Parses and validates a plan (YAML or JSON). Every problem — schema and semantic — is
 * reported at once in one InputError, each with file:line:column and the task's id.
 * Tasks come back with the plan's defaults applied. No I/O: prompt_file is not read here.
 */
export function parsePlan(text: string, file: string, options: ParseOptions = {}): Plan {
  const { doc, positionsOnDemand } = readSource(text, file);
  const raw = doc.value;
  const problems: Problem[] = [];

  // An empty document is an empty plan: "no tasks" says all there is to say.
  const result = planSchema.safeParse(raw ?? {});
  if (!result.success) problems.push(...planIssueProblems(result.error, doc));

  const rawTasks = isRecord(raw) && Array.isArray(raw.tasks) ? (raw.tasks as unknown[]) : [];
  if (options.fragment) problems.push(...fragmentKeyProblems(raw, doc));
  else if (rawTasks.length === 0 && (raw === null || raw === undefined || isRecord(raw)) && !isBadTasksValue(raw)) {
    problems.push({ file, ...doc.locate(['tasks'], true), message: "the plan has no tasks: list at least one under 'tasks:'" });
  }
  const defaultAgent = isRecord(raw) && isRecord(raw.defaults) ? raw.defaults.agent : options.defaults?.agent;
  problems.push(...checkTasks(rawTasks, doc, defaultAgent, options.external));
  problems.push(...checkSandboxFields(rawTasks, doc, raw));

  if (problems.length > 0 || !result.success) throw new InputError(sortByPosition(problems));
  return toPlan(result.data, doc, positionsOnDemand, options.defaults ?? PLAN_DEFAULTS);
}

/** A fragment joins a running plan: its name, repository, clean mode and defaults are the plan's. */
function fragmentKeyProblems(raw: unknown, doc: SourceDoc): Problem[] {
  if (!isRecord(raw)) return [];
  return Object.keys(raw)
    .filter((k) => k !== 'tasks')
    .map((k) => ({ file: doc.file, ...doc.locate([k], true), message: `a plan fragment holds tasks only: '${k}' comes from the running plan` }));
}

/** Past this size a JSON plan is read with JSON.parse, and positions are computed only for problems. */
const FAST_JSON_BYTES = 1 << 20;

/**
 * The position-keeping YAML parser reads well under a megabyte a second; JSON.parse is some
 * fifty times faster. A big JSON plan (a generated 100k-task DAG) takes the fast road: its
 * value from JSON.parse, its positions from the full parse only if a problem needs one. Its
 * tasks then carry no line numbers, and a repeated key is not caught (JSON.parse keeps the
 * last). Text that JSON.parse rejects goes the full way, for located errors.
 */
function readSource(text: string, file: string): { doc: SourceDoc; positionsOnDemand: boolean } {
  const full = () => ({ doc: parseSource(text, file), positionsOnDemand: false });
  if (text.length < FAST_JSON_BYTES || !/^\s*\{/.test(text)) return full();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return full();
  }
  let located: SourceDoc | undefined;
  const locate: SourceDoc['locate'] = (path, keyOnly) => (located ??= parseSource(text, file)).locate(path, keyOnly);
  return { doc: { file, value, locate }, positionsOnDemand: true };
}

/** `tasks: 5` is reported by the schema; only a missing or empty list is "no tasks". */
function isBadTasksValue(raw: unknown): boolean {
  return isRecord(raw) && raw.tasks !== undefined && raw.tasks !== null && !Array.isArray(raw.tasks);
}

function toPlan(data: RawPlan, doc: SourceDoc, positionsOnDemand: boolean, base: PlanDefaults): Plan {
  const d = data.defaults;
  const defaults: PlanDefaults = {
    ...base,
    agent: d?.agent ?? base.agent,
    timeoutMs: d?.timeout ?? base.timeoutMs,
    retries: d?.retries ?? base.retries,
    backoffMs: d?.backoff ?? base.backoffMs,
    estimateMs: d?.estimate ?? base.estimateMs,
    stallTimeoutMs: d?.stall_timeout ?? base.stallTimeoutMs,
    complexity: d?.complexity ?? base.complexity,
    ...verifyDefaults(d),
    ...sandboxDefaults(d),
  };
  const tasks = (data.tasks ?? []).map((t, i) => toTask(t, defaults, positionsOnDemand ? undefined : doc.locate(['tasks', i])));
  return {
    name: data.name ?? nameFromFile(doc.file),
    ...(data.repo ? { repo: { url: data.repo.url, ref: data.repo.ref ?? 'HEAD', ...(data.repo.push ? { push: data.repo.push } : {}), ...(data.repo.setup ? { setup: setupOf(data.repo.setup) } : {}) } } : {}),
    defaults,
    clean: data.clean ?? 'all',
    tasks,
    ...(data.integrate ? { integrate: integrateOf(data.integrate) } : {}),
  };
}

function toTask(t: RawTask, defaults: PlanDefaults, at: { line: number; column: number } | undefined): TaskSpec {
  const agent = t.agent ?? defaults.agent;
  const task: TaskSpec = {
    id: t.id,
    title: t.title ?? t.id,
    agent,
    deps: [...new Set((t.deps ?? []).map((d) => (typeof d === 'string' ? d : d.task)))],
    complexity: t.complexity ?? defaults.complexity,
    risk: t.risk ?? [],
    estimateMs: t.estimate ?? defaults.estimateMs,
    timeoutMs: t.timeout ?? defaults.timeoutMs,
    stallTimeoutMs: t.stall_timeout ?? defaults.stallTimeoutMs,
    retries: t.retries ?? defaults.retries,
    backoffMs: t.backoff ?? defaults.backoffMs,
    labels: t.labels ?? [],
    inherit: t.inherit ?? true,
  };
  if (at) {
    task.line = at.line;
    task.column = at.column;
  }
  if (t.prompt !== undefined) task.prompt = t.prompt;
  if (t.prompt_file !== undefined) task.promptFile = t.prompt_file;
  if (t.run !== undefined) task.run = t.run;
  if (t.review) {
    const reviewer = t.review.agent ?? (isModelBacked(agent) ? agent : 'codex');
    task.review = { agent: reviewer, prompt: t.review.prompt, rounds: t.review.rounds ?? 1 };
  }
  applyTaskChecks(task, t, defaults);
  applyTaskSandbox(task, t, defaults);
  addFlow(task, t);
  return task;
}

/** The keys of conditional and growing plans: `after: any` deps, `when`, `approval`, `expands`. */
function addFlow(task: TaskSpec, t: RawTask): void {
  const anyDeps = [...new Set((t.deps ?? []).flatMap((d) => (typeof d !== 'string' && d.after === 'any' ? [d.task] : [])))];
  if (anyDeps.length) task.anyDeps = anyDeps;
  if (t.when !== undefined) task.when = { expression: t.when, names: checkCondition(t.when, task.deps).names };
  if (t.approval || task.agent === 'approval') {
    const approval: ApprovalSpec = { onTimeout: t.approval?.on_timeout ?? 'reject' };
    if (t.approval?.prompt !== undefined) approval.prompt = t.approval.prompt;
    if (t.approval?.timeout !== undefined) approval.timeoutMs = t.approval.timeout;
    task.approval = approval;
  }
  if (t.expands) task.expands = true;
}

/** A plan without `name` is named after its file: `plans/Issue 715.yaml` -> `issue-715`. */
export function nameFromFile(file: string): string {
  const stem = (file.split(/[\\/]/).pop() ?? '').replace(/\.[^.]*$/, '');
  const slug = stem
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63);
  return PLAN_NAME_PATTERN.test(slug) ? slug : 'plan';
}

export function sortByPosition(problems: Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}

import { InputError, type Problem } from '../errors.js';
import { TASK_ID_PATTERN } from '../ids.js';
import { parsePlan } from './parse.js';
import type { PlanDefaults, TaskSpec } from './types.js';

/** Why a fragment of this many bytes is refused (before it is read), or null. */
export function fragmentTooBig(bytes: number): string | null {
  return bytes > FRAGMENT_LIMITS.maxBytes ? `the plan fragment is ${bytes} bytes, more than the ${FRAGMENT_LIMITS.maxBytes} a fragment may have (at most ${FRAGMENT_LIMITS.maxTasks} tasks)` : null;
}

/** The running plan a fragment joins. */
export interface FragmentContext {
  /** the task that wrote it (`expands: true`): fragment ids become `<parent>-<id>` */
  parentId: string;
  /** the running plan's defaults: they apply to the fragment's tasks */
  defaults: PlanDefaults;
  /** every task of the run with its status: a fragment's task may depend on those that succeeded */
  existing: ReadonlyMap<string, string>;
}

/** How big one fragment may be. */
export const FRAGMENT_LIMITS = { maxTasks: 500, maxBytes: 1 << 20 } as const;

/**
 * Parses a plan fragment (the same schema as a plan, YAML or JSON, tasks only) with the plan
 * parser, then places it in the run: ids become `<parent>-<id>` (at most 63 characters, none
 * the run has), dependencies name the fragment's own tasks or tasks of the run that have
 * succeeded, and the fragment's roots depend on the parent. Every problem at once, as an
 * InputError; nothing is returned unless the whole fragment is sound.
 */
export function parseFragment(text: string, file: string, ctx: FragmentContext): TaskSpec[] {
  const tooBig = fragmentTooBig(Buffer.byteLength(text));
  if (tooBig) throw new InputError([{ file, message: tooBig }]);
  const plan = parsePlan(text, file, { defaults: ctx.defaults, external: new Set([...ctx.existing.keys(), ctx.parentId]), fragment: true });
  if (plan.tasks.length > FRAGMENT_LIMITS.maxTasks) {
    throw new InputError([{ file, message: `the plan fragment has ${plan.tasks.length} tasks, more than the ${FRAGMENT_LIMITS.maxTasks} a fragment may add` }]);
  }
  const local = new Set(plan.tasks.map((t) => t.id));
  const rename = (id: string) => (local.has(id) ? `${ctx.parentId}-${id}` : id);
  const problems: Problem[] = [];
  const tasks = plan.tasks.map((t) => {
    const at = { file, line: t.line, column: t.column, taskId: t.id };
    const id = rename(t.id);
    if (!TASK_ID_PATTERN.test(id)) problems.push({ ...at, message: `id '${t.id}' becomes '${id}' in the run, longer than 63 characters` });
    else if (ctx.existing.has(id)) problems.push({ ...at, message: `id '${t.id}' becomes '${id}', a task the run has already` });
    if (t.promptFile !== undefined) problems.push({ ...at, message: `prompt_file '${t.promptFile}' cannot be read in a plan fragment: write the prompt inline` });
    for (const d of t.deps) {
      const status = local.has(d) || d === ctx.parentId ? 'succeeded' : ctx.existing.get(d);
      if (status !== 'succeeded') problems.push({ ...at, message: `depends on '${d}', which is ${status ?? 'unknown'}: a fragment's tasks may depend on each other and on tasks that have succeeded` });
    }
    return placed(t, id, rename, ctx.parentId, local);
  });
  if (problems.length) throw new InputError(problems);
  return tasks;
}

/** The task as the run holds it: renamed, its dependencies renamed, a root depending on the parent. */
function placed(t: TaskSpec, id: string, rename: (id: string) => string, parentId: string, local: ReadonlySet<string>): TaskSpec {
  const deps = t.deps.map(rename);
  if (!t.deps.some((d) => local.has(d)) && !deps.includes(parentId)) deps.unshift(parentId);
  const task: TaskSpec = { ...t, id, title: t.title === t.id ? id : t.title, deps };
  if (t.anyDeps) task.anyDeps = t.anyDeps.map(rename);
  if (t.when) task.when = { expression: t.when.expression, names: Object.fromEntries(Object.entries(t.when.names).map(([n, d]) => [n, rename(d)])) };
  return task;
}

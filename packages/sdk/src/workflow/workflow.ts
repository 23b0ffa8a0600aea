import { join } from 'node:path';
import { stringify } from 'yaml';
import { celName, conditionNames, parsePlan, type Plan } from '@agentfleet/core';
import { connectFleet, type ConnectOptions } from '../connection.js';
import { absoluteRepo, readPromptFiles } from '../plan-file.js';
import { submitPlan, type RunOptions } from '../submit.js';
import { fileKeys, type ApprovalOptions, type Dependency, type TaskOptions, type WorkflowOptions } from './task-options.js';

export interface SubmitOptions extends ConnectOptions, RunOptions {
  /** where prompt files and a relative repo.url are found (default: the working directory) */
  baseDir?: string;
}

/** The tasks one workflow and its branch arms write into. */
interface Tasks {
  list: Record<string, unknown>[];
}

/** A task the next step depends on; `any`: listed with after: any (it may have failed or been skipped). */
interface Tail {
  task: string;
  any: boolean;
}

/** How the next step attaches to what came before. */
interface Entry {
  tails: Tail[];
  /** a condition the next step's tasks get (a branch arm's, or a join's) */
  when?: string;
}

export type Arm = (arm: Workflow) => Workflow;

/**
 * A plan built in TypeScript. Each step depends on the step before it:
 * `workflow('issue-715').task('analysis', {...}).then('impl', {...}).parallel(['test', 'lint'], {...})
 * .branch('test.failed', { then: (w) => w.then('fix', {...}) }).approval('ship')`.
 * A branch's arms get `when: COND` / `when: !(COND)` and list the step before with after: any
 * (so the condition can see a failure); the step after a branch joins whichever arm ran.
 * toPlan() is the plan the YAML parser gives for toYaml(): the same code validates both.
 */
export class Workflow {
  private constructor(
    readonly name: string,
    private readonly options: WorkflowOptions,
    private readonly tasks: Tasks,
    private entry: Entry,
  ) {}

  static create(name: string, options: WorkflowOptions = {}): Workflow {
    return new Workflow(name, options, { list: [] }, { tails: [] });
  }

  /** A task that starts a new line of steps: it depends only on the deps it names. */
  task(id: string, options: TaskOptions = {}): this {
    this.tasks.list.push({ id, ...fileKeys(options) });
    this.entry = { tails: [{ task: id, any: false }] };
    return this;
  }

  /** A task after the previous step. */
  then(id: string, options: TaskOptions = {}): this {
    return this.step([[id, options]]);
  }

  /** Tasks side by side after the previous step; the next step waits for all of them. */
  parallel(ids: readonly string[], options: Record<string, TaskOptions> | ((id: string) => TaskOptions) = {}): this {
    return this.step(ids.map((id) => [id, typeof options === 'function' ? options(id) : (options[id] ?? {})]));
  }

  /**
   * Two paths after the previous step: `then` when the condition holds, `else` when it does
   * not. The arms list the tasks the condition names with after: any (so it can see a
   * failure); the step after the branch runs whichever arm ran, and not when an arm failed
   * or a task the condition does not name failed (those failures stay the run's).
   */
  branch(condition: string, arms: { then: Arm; else?: Arm }): this {
    const named = new Set(conditionNames(condition));
    const before = this.entry.tails.map((t) => ({ task: t.task, any: t.any || named.has(celName(t.task) ?? '') }));
    const arm = (build: Arm, when: string) => {
      const tails = build(new Workflow(this.name, this.options, this.tasks, { tails: before, when: combined([this.entry.when, when]) })).entry.tails;
      if (tails === before) throw new Error(`workflow ${this.name}: a branch arm of '${condition}' adds no task`);
      return tails.map((t) => t.task);
    };
    const ran = [...arm(arms.then, condition), ...(arms.else ? arm(arms.else, `!(${condition})`) : [])];
    const unnamed = before.filter((t) => !t.any).map((t) => ({ task: t.task, any: false }));
    this.entry = { tails: [...ran.map((task) => ({ task, any: true })), ...unnamed], when: joinCondition(ran) };
    return this;
  }

  /** A pure approval gate after the previous step: `fleet approve|reject RUN ID` decides. */
  approval(id: string, options: ApprovalOptions & { title?: string } = {}): this {
    const { title, ...approval } = options;
    return this.step([[id, { agent: 'approval', ...(title ? { title } : {}), approval }]]);
  }

  /** The plan as a plan file holds it. */
  toObject(): Record<string, unknown> {
    const { repo, defaults, clean } = this.options;
    return { name: this.name, ...(repo ? { repo } : {}), ...(defaults ? { defaults: fileKeys(defaults) } : {}), ...(clean ? { clean } : {}), tasks: this.tasks.list };
  }

  toYaml(): string {
    return stringify(this.toObject(), { lineWidth: 0 });
  }

  /** Parsed and validated by the plan parser (InputError with file:line:column on a problem). */
  toPlan(file = `${this.name}.workflow.yaml`): Plan {
    return parsePlan(this.toYaml(), file);
  }

  /** Submits the plan to the fleet (as `fleet run` does, without starting daemons); returns the run id. */
  async submit(options: SubmitOptions = {}): Promise<string> {
    const file = join(options.baseDir ?? process.cwd(), `${this.name}.workflow.yaml`);
    const plan = this.toPlan(file);
    await readPromptFiles(plan, file);
    plan.repo = absoluteRepo(plan, file);
    const fleet = await connectFleet(options);
    try {
      return await submitPlan(fleet, plan, options);
    } finally {
      await fleet.close();
    }
  }

  private step(items: [string, TaskOptions][]): this {
    const { tails, when } = this.entry;
    const inherited: Dependency[] = tails.map((t) => (t.any ? { task: t.task, after: 'any' } : t.task));
    for (const [id, { deps: own, when: ownWhen, ...rest }] of items) {
      const deps = [...inherited, ...(own ?? [])];
      this.tasks.list.push({ id, ...fileKeys({ deps: deps.length ? deps : undefined, ...rest, when: combined([when, ownWhen]) }) });
    }
    this.entry = { tails: items.map(([id]) => ({ task: id, any: false })) };
    return this;
  }
}

/** `workflow(name)`: a new plan built in TypeScript. */
export function workflow(name: string, options: WorkflowOptions = {}): Workflow {
  return Workflow.create(name, options);
}

/** The step after a branch runs whichever arm ran, but not after an arm failed (that failure stays the run's). */
function joinCondition(tails: readonly string[]): string {
  return tails
    .map((t) => {
      const name = celName(t);
      if (!name) throw new Error(`workflow: task '${t}' ends a branch arm, but an id starting with a digit cannot be named in a condition`);
      return `!${name}.failed`;
    })
    .join(' && ');
}

function combined(conditions: readonly (string | undefined)[]): string | undefined {
  const present = conditions.filter((c): c is string => Boolean(c));
  if (present.length <= 1) return present[0];
  return present.map((c) => `(${c})`).join(' && ');
}

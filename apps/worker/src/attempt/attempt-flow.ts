import { evaluateCondition, FleetError, formatProblem, FRAGMENT_LIMITS, fragmentTooBig, InputError, parseFragment } from '@agentfleet/core';
import type { AttemptOwner, AttemptSpend, FleetStore, TaskContext, TaskResult } from '@agentfleet/store';
import { scrubSecrets } from '@agentfleet/telemetry';
import type { AttemptEnd } from './attempt-end.js';
import type { TaskIoPaths } from './process-env.js';
import { TaskIo } from './task-io.js';

/** Where a plan fragment's problems say they are. */
const FRAGMENT_FILE = 'AGENTFLEET_PLAN_OUT';
/** Agents that start no process: nothing of theirs can leave outputs or a fragment. */
const RUNS_NOTHING = new Set(['noop', 'approval']);

/**
 * What conditional and growing plans add to an attempt: its `when:` (a false condition skips
 * the task before anything runs), the files the agent leaves for the fleet (outputs, a plan
 * fragment), the fragment joining the run, and an approval gate's wait once the result is
 * published. TaskAttempt calls it at those points; everything else about the attempt is its own.
 */
export class AttemptFlow {
  private taskIo?: TaskIo;

  constructor(
    private readonly store: FleetStore,
    private readonly ctx: TaskContext,
    private readonly owner: AttemptOwner,
    private readonly end: AttemptEnd,
    private readonly secrets: readonly string[],
    private readonly say: (fields: Record<string, unknown>, msg: string) => void,
  ) {}

  /** True when the task's `when:` is false: it has been recorded skipped, nothing runs. */
  async skipped(): Promise<boolean> {
    const when = this.ctx.spec.when;
    if (!when) return false;
    const outcomes = await this.store.flow.outcomes(this.ctx.runId, this.ctx.spec.deps);
    const verdict = evaluateCondition(when, outcomes);
    if (!verdict.ok) throw new FleetError('condition_error', `task ${this.ctx.taskId}: ${scrubSecrets(verdict.message, this.secrets)}`);
    if (verdict.value) return false;
    const res = await this.store.flow.skip({ runId: this.ctx.runId, taskId: this.ctx.taskId, owner: this.owner, message: `condition false: ${when.expression}` });
    this.say({ when: when.expression, skipped: res.skipped, ready: res.ready.length }, 'task skipped: its condition is false');
    return true;
  }

  /** Where the task's processes leave outputs and a plan fragment; none for agents that run nothing (noop, a pure gate). */
  async io(): Promise<TaskIoPaths | undefined> {
    if (RUNS_NOTHING.has(this.ctx.spec.agent)) return undefined;
    this.taskIo ??= await TaskIo.open();
    return this.taskIo.paths;
  }

  /** What the agent wrote to $AGENTFLEET_OUTPUTS (validated, scrubbed), or null. */
  async outputs(): Promise<Record<string, unknown> | null> {
    return this.taskIo ? this.taskIo.outputs(this.ctx.taskId, this.secrets) : null;
  }

  /**
   * Right before the task would succeed: an `expands: true` task's fragment joins the run
   * (a bad one fails the task, nothing of it added), then a gate waits for its decision.
   * True when the attempt ended here (it waits, or it lost the task).
   */
  async beforeSuccess(result: TaskResult, spend: AttemptSpend): Promise<boolean> {
    if (this.ctx.spec.expands && !(await this.expand())) {
      await this.end.undecided('lost', spend, null);
      return true;
    }
    const approval = this.ctx.spec.approval;
    if (!approval) return false;
    const wait = { kind: 'approval', reason: approval.prompt ?? `approve ${this.ctx.taskId}?`, ...(approval.timeoutMs !== undefined ? { until: Date.now() + approval.timeoutMs } : {}) };
    const waiting = await this.end.awaitingApproval(wait, result, spend);
    this.say({ wait, waiting, branch: result.branch }, waiting ? 'task awaits approval: it holds no slot' : 'task not parked: another attempt owns it');
    return true;
  }

  /** Adds the plan fragment to the run; false when the attempt no longer owns its task. */
  private async expand(): Promise<boolean> {
    const file = await this.taskIo?.fragment(FRAGMENT_LIMITS.maxBytes);
    if (!file) throw new FleetError('bad_fragment', `task ${this.ctx.taskId} has expands: true but wrote no plan fragment to $AGENTFLEET_PLAN_OUT`);
    if (file.text === null) throw new FleetError('bad_fragment', `plan fragment refused: ${fragmentTooBig(file.size)}`);
    const { defaults, existing } = await this.store.expansions.context(this.ctx.runId);
    let tasks;
    try {
      tasks = parseFragment(file.text, FRAGMENT_FILE, { parentId: this.ctx.taskId, defaults, existing });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      throw new FleetError('bad_fragment', `plan fragment refused, nothing of it added:\n${e.problems.map(formatProblem).join('\n')}`);
    }
    const res = await this.store.expansions.expand(this.ctx.runId, this.ctx.taskId, this.owner, tasks);
    if ('refused' in res) throw new FleetError('bad_fragment', `plan fragment refused, nothing of it added: ${res.refused}`);
    if ('stale' in res) return false;
    this.say({ added: res.added, tasks: tasks.map((t) => t.id) }, 'plan fragment joined the run');
    return true;
  }

  async dispose(): Promise<void> {
    await this.taskIo?.close();
  }
}

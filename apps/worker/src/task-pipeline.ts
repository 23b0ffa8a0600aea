import { UnrecoverableError, type Job } from 'bullmq';
import { FleetError, jobIdOf, type ErrorKind } from '@agentfleet/core';
import { createAgent, runWithReview, StallWatch, type AgentEvent, type AgentResult, type AgentRunRequest, type ProviderPauses } from '@agentfleet/agents';
import type { AttemptOwner, FleetStore, TaskContext, TaskJobData, TaskResult } from '@agentfleet/store';
import { scrubSecrets, secretValuesFromEnv, type Logger } from '@agentfleet/telemetry';
import { defaultConfig } from '@agentfleet/core';
import type { TaskWorkspace } from './task-workspace.js';

const DEFAULT_CONFIG = defaultConfig();

/** Failures that a retry cannot fix: fail the task at once. */
const FINAL_KINDS = new Set<ErrorKind | string>(['merge_conflict', 'budget_exceeded', 'cancelled']);

export interface PipelineOptions {
  store: FleetStore;
  host: string;
  worker: string;
  logger: Logger;
  pauses: ProviderPauses;
  /** Workspace for a task: git worktree when the run has a repository, scratch dir otherwise. */
  workspaceFor: (ctx: TaskContext) => TaskWorkspace;
  /** Environment for agents (secrets reach them here, never through Redis). */
  agentEnv: NodeJS.ProcessEnv;
  /** Values that must not reach Redis: an agent may print them (output tail, summary, error). */
  secretValues?: readonly string[];
  onBusy?: (runId: string, taskId: string) => void;
  onIdle?: () => void;
}

/** The current task's abort handle, so a cancel event can stop it. */
interface Current {
  runId: string;
  taskId: string;
  controller: AbortController;
}

/**
 * One task, start to end: claim -> prepare workspace -> run agent -> publish the branch ->
 * record the result and advance the DAG -> enqueue what became ready. Every step can run
 * again after a crash (at-least-once delivery): claim and complete are idempotent.
 */
export class TaskPipeline {
  private current: Current | null = null;

  constructor(private readonly opts: PipelineOptions) {}

  /** Called on a cancel event: kills the running agent when it belongs to that run. */
  cancelRun(runId: string, tasks: readonly string[]): void {
    const c = this.current;
    if (c && c.runId === runId && (tasks.length === 0 || tasks.includes(c.taskId))) {
      c.controller.abort(new FleetError('cancelled', `run ${runId} was cancelled`));
    }
  }

  /** Aborts whatever runs (daemon shutdown past its grace period). */
  abortCurrent(reason: string): void {
    this.current?.controller.abort(new FleetError('internal', reason));
  }

  get busy(): boolean {
    return this.current !== null;
  }

  async process(job: Job<TaskJobData>): Promise<void> {
    const { runId, taskId } = job.data;
    const { store, logger } = this.opts;
    const claim = await store.claim(runId, taskId, this.opts.host, this.opts.worker);
    if (!claim.ok) {
      logger.debug({ runId, taskId, status: claim.status }, 'task needs no run (already terminal or run over)');
      return;
    }
    const log = logger.child({ runId, taskId, attempt: claim.attempts });
    const owner = { worker: this.opts.worker, attempt: claim.attempts };
    const ctx = await store.taskContext(runId, taskId, claim.task);
    if (store.isOverRunBudget(ctx)) {
      await this.finishFailed(ctx, owner, new FleetError('budget_exceeded', `run ${runId} reached its budget of $${ctx.run.config.budgets?.perRunUsd}; model-backed tasks are not started`), {});
      return;
    }
    const controller = new AbortController();
    this.current = { runId, taskId, controller };
    this.opts.onBusy?.(runId, taskId);
    const started = Date.now();
    const timeout = setTimeout(
      () => controller.abort(new FleetError('timeout', `task ${taskId} exceeded its timeout of ${Math.round(ctx.spec.timeoutMs / 1000)}s`)),
      ctx.spec.timeoutMs,
    );
    const workspace = this.opts.workspaceFor(ctx);
    let partial: TaskResult = {};
    try {
      const prepared = await workspace.prepare(ctx, jobIdOf(runId, taskId));
      log.debug({ dir: prepared.dir, base: prepared.base }, 'task started');
      const agentResult = await this.runAgent(ctx, prepared.dir, workspace, controller, log);
      partial = scrubResult(agentResultFields(agentResult.result), this.secretsOf(ctx));
      partial.review = agentResult.review;
      if (agentResult.result.exit !== 0) {
        throw new FleetError('exit_code', `exit code ${agentResult.result.exit}${tailLine(partial.outputTail ?? undefined)}`);
      }
      // Fence: a worker cut off from Redis may have been replaced; it must not overwrite the
      // newer attempt's branch, nor record anything.
      if (!(await store.ownsAttempt(runId, taskId, owner))) {
        log.warn('another attempt owns this task now; dropping this one without publishing');
        return;
      }
      const published = await workspace.publish(ctx, prepared.base);
      const outcome = await store.complete(
        runId,
        taskId,
        'succeeded',
        { ...partial, ...(published ?? {}), durationMs: Date.now() - started },
        { agent: ctx.spec.agent, owner },
      );
      // Awaited before BullMQ fetches this worker's next job, so a dependent on the critical
      // path competes by its priority at once. (A crash here: the reconciler adds the jobs.)
      await store.enqueue(outcome.ready);
      log.info({ durationMs: Date.now() - started, commit: published?.commit, ready: outcome.ready.length, duplicate: outcome.duplicate, stale: outcome.stale }, outcome.stale ? 'task result dropped: another attempt owns the task' : 'task succeeded');
      if (outcome.runFinished) {
        log.info({ status: outcome.runFinished }, 'run finished');
        await this.integrateRun(ctx, workspace, log);
      }
    } catch (err) {
      const error = scrubError(asFleetError(err, controller.signal), this.secretsOf(ctx));
      if (error.kind === 'cancelled') {
        log.warn('task cancelled: agent stopped');
        return;
      }
      const final = FINAL_KINDS.has(error.kind) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      log.warn({ kind: error.kind, err: error.message, final }, 'task attempt failed');
      if (!final) {
        await store.retrying(runId, taskId, { kind: error.kind, message: error.message }, owner);
        throw error;
      }
      await this.finishFailed(ctx, owner, error, { ...spentBy(error), ...partial, durationMs: Date.now() - started });
      throw new UnrecoverableError(`${error.kind}: ${error.message}`);
    } finally {
      clearTimeout(timeout);
      this.current = null;
      await workspace.release().catch((e: Error) => log.warn({ err: e.message }, 'workspace release failed'));
      this.opts.onIdle?.();
    }
  }

  /** The daemon's secrets and the API keys of the run's providers, as found in the agents' environment. */
  private secretsOf(ctx: TaskContext): string[] {
    const providerKeys = (ctx.run.config.providers ?? []).flatMap((p) => (p.apiKeyEnv ? [p.apiKeyEnv] : []));
    return [...new Set([...(this.opts.secretValues ?? []), ...secretValuesFromEnv(providerKeys, this.opts.agentEnv)])].sort((a, b) => b.length - a.length);
  }

  /** The worker that ends a run merges its leaf results into `--integrate BRANCH`. */
  private async integrateRun(ctx: TaskContext, workspace: TaskWorkspace, log: Logger): Promise<void> {
    const inputs = await this.opts.store.integrationInputs(ctx.runId);
    if (!inputs || !workspace.integrate) return;
    try {
      const res = await workspace.integrate(ctx, inputs.branch, inputs.results);
      await this.opts.store.recordIntegration(ctx.runId, { branch: inputs.branch, ...res });
      log.info({ branch: inputs.branch, merged: res.merged.length, conflicts: res.conflicts.length }, 'results integrated');
    } catch (e) {
      await this.opts.store.recordIntegration(ctx.runId, { branch: inputs.branch, merged: [], conflicts: [], error: (e as Error).message });
      log.error({ branch: inputs.branch, err: (e as Error).message }, 'integration failed');
    }
  }

  private async finishFailed(ctx: TaskContext, owner: AttemptOwner, error: FleetError, partial: TaskResult): Promise<void> {
    const outcome = await this.opts.store.complete(ctx.runId, ctx.taskId, 'failed', partial, {
      agent: ctx.spec.agent,
      error: { kind: error.kind, message: error.message },
      owner,
    });
    await this.opts.store.enqueue(outcome.ready);
    if (outcome.runFinished && ctx.run.repo) await this.integrateRun(ctx, this.opts.workspaceFor(ctx), this.opts.logger);
    if (outcome.failFast) await this.opts.store.publish({ type: 'cancel', runId: ctx.runId, tasks: [] });
  }

  private async runAgent(
    ctx: TaskContext,
    dir: string,
    workspace: TaskWorkspace,
    controller: AbortController,
    log: Logger,
  ): Promise<{ result: AgentResult; review: TaskResult['review'] }> {
    const stall = new StallWatch({ stallTimeoutMs: ctx.spec.stallTimeoutMs, changedSince: (ms) => workspace.changedSince(ms), taskId: ctx.taskId });
    const signal = AbortSignal.any([controller.signal, stall.signal]);
    const onEvent = stall.wrap((e: AgentEvent) => {
      if (e.type === 'output') log.debug({ stream: e.stream }, e.text.trimEnd());
      else if (e.type !== 'usage') log.debug({ event: e.type }, 'text' in e ? e.text : e.name);
    });
    const config = { ...DEFAULT_CONFIG, ...ctx.run.config };
    const request: AgentRunRequest = {
      task: { runId: ctx.runId, taskId: ctx.taskId, title: ctx.spec.title, agent: ctx.spec.agent, prompt: ctx.spec.prompt, run: ctx.spec.run, complexity: ctx.spec.complexity, risk: ctx.spec.risk },
      workdir: dir,
      env: { ...this.opts.agentEnv, AGENTFLEET_RUN: ctx.runId, AGENTFLEET_TASK: ctx.taskId },
      budget: {},
      signal,
      onEvent,
      config,
      pauses: this.opts.pauses,
      logger: log,
    };
    stall.start();
    try {
      const builder = createAgent(ctx.spec.agent);
      if (!ctx.spec.review) return { result: await builder.run(request), review: null };
      const reviewed = await runWithReview({
        builder,
        reviewer: createAgent(ctx.spec.review.agent),
        request,
        review: ctx.spec.review,
        getDiff: () => workspace.diff(),
      });
      return { result: reviewed.result, review: reviewed.verdicts.map((v) => ({ round: v.round, verdict: v.verdict, issues: v.issues })) };
    } finally {
      stall.stop();
    }
  }
}

function scrubResult(r: TaskResult, secrets: readonly string[]): TaskResult {
  if (!secrets.length) return r;
  return { ...r, outputTail: r.outputTail ? scrubSecrets(r.outputTail, secrets) : r.outputTail, summary: r.summary ? scrubSecrets(r.summary, secrets) : r.summary };
}

function scrubError(e: FleetError, secrets: readonly string[]): FleetError {
  const message = scrubSecrets(e.message, secrets);
  return message === e.message ? e : new FleetError(e.kind, message, e.details);
}

function agentResultFields(r: AgentResult): TaskResult {
  return { provider: r.provider ?? null, model: r.model ?? null, usage: r.usage, costUsd: r.costUsd, outputTail: r.outputTail ?? null, summary: r.summary };
}

/** What an agent that threw had spent (budget_exceeded and provider errors carry it): the money counts even when the task fails. */
function spentBy(error: FleetError): TaskResult {
  const d = error.details;
  const usage = d.usage as TaskResult['usage'];
  if (!usage || typeof d.costUsd !== 'number') return {};
  return { provider: typeof d.provider === 'string' ? d.provider : null, model: typeof d.model === 'string' ? d.model : null, usage, costUsd: d.costUsd };
}

function tailLine(tail: string | undefined): string {
  const last = tail?.trim().split('\n').slice(-3).join(' | ');
  return last ? `: ${last.slice(0, 300)}` : '';
}

function asFleetError(err: unknown, signal: AbortSignal): FleetError {
  if (signal.aborted && signal.reason instanceof FleetError) return signal.reason;
  if (err instanceof FleetError) return err;
  return new FleetError('internal', (err as Error)?.message ?? String(err));
}

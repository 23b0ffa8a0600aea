import { UnrecoverableError } from 'bullmq';
import { FleetError, jobIdOf, WaitRequest, type HostFile } from '@agentfleet/core';
import { SpendMeter, type ProviderPauses, type ProviderPermits } from '@agentfleet/agents';
import type { AttemptOwner, AttemptStatus, CompleteOutcome, FleetStore, TaskContext, TaskResult, TranscriptBatch } from '@agentfleet/store';
import { scrubSecrets, type Logger } from '@agentfleet/telemetry';
import type { TaskWorkspace } from '../task-workspace.js';
import { AttemptEnd, type AttemptFindings } from './attempt-end.js';
import { AttemptEvents } from './attempt-events.js';
import { AttemptFlow } from './attempt-flow.js';
import { AttemptStop } from './attempt-stop.js';
import { budgetGate } from './budget-gate.js';
import { checkFailedError } from './checks.js';
import { asFleetError, classifyFailure } from './failure.js';
import { exitFailure, FailureEvidence } from './real-reason.js';
import { namedVariables } from './env-allowlist.js';
import type { HostConfinement } from './task-confinement.js';
import { VerifiedAttempt } from './verified-attempt.js';
import { scrubError, scrubResult, secretsFor } from './secrets.js';
import { openTranscript } from './transcript/open-transcript.js';
import type { TranscriptSettings } from './transcript/transcript-settings.js';
import type { TranscriptWriter } from './transcript/transcript-writer.js';

/** What every attempt of a worker shares. */
export interface AttemptDeps {
  store: FleetStore;
  logger: Logger;
  pauses: ProviderPauses;
  /** fleet-wide permits of capped providers (maxConcurrent) */
  permits?: ProviderPermits;
  /** git worktree when the run has a repository, scratch dir otherwise */
  workspaceFor: (ctx: TaskContext) => TaskWorkspace;
  /** what every task process starts from: the daemon's allowlisted variables (settings.agentEnvironment) */
  agentEnv: NodeJS.ProcessEnv;
  /** the daemon's variables (minus the fleet's own): provider keys and the variables tasks name are read here */
  credentials: NodeJS.ProcessEnv;
  /** how this host confines its tasks */
  confinement: HostConfinement;
  /** values that must not reach Redis: an agent may print them */
  secretValues: readonly string[];
  /** the host's agentfleet home (its shared package caches) */
  home: string;
  /** this worker's slot number on its host (AGENTFLEET_SLOT, its port block) */
  slot: number;
  /** the host's files copied into every git workspace (paths only: see host-files.ts) */
  hostFiles: readonly HostFile[];
  /** how transcripts are kept (none when absent) */
  transcripts?: TranscriptSettings;
}

/**
 * One attempt of a claimed task, top to bottom: prepare the workspace, run the agent,
 * publish the branch (only while the attempt still owns the task), record the result and
 * advance the DAG. Every way it can end is recorded with what it spent. Each step can run
 * again after a crash (at-least-once delivery).
 */
export class TaskAttempt {
  readonly stop: AttemptStop;
  private readonly events: AttemptEvents;
  private readonly meter = new SpendMeter();
  private readonly end: AttemptEnd;
  private readonly workspace: TaskWorkspace;
  private readonly secrets: string[];
  /** the variables the task names (`env:`) that the host forwards */
  private readonly named: Record<string, string>;
  private readonly flow: AttemptFlow;
  private readonly started = Date.now();
  private result: TaskResult = {};
  private readonly findings: AttemptFindings = { rounds: [], setup: null };
  private readonly verified: VerifiedAttempt;
  private childLog?: Logger;
  private readonly evidence = new FailureEvidence();
  private readonly transcript: TranscriptWriter | undefined;
  /** what the transcript's last line says; 'skipped': a false `when:`, nothing ran */
  private endStatus: AttemptStatus | 'skipped' = 'lost';

  constructor(
    private readonly deps: AttemptDeps,
    private readonly ctx: TaskContext,
    private readonly owner: AttemptOwner,
  ) {
    this.workspace = deps.workspaceFor(ctx);
    this.named = namedVariables(ctx.spec.env, deps.credentials).values;
    this.secrets = secretsFor(ctx.run.config, deps.secretValues, deps.credentials, this.named);
    this.events = new AttemptEvents(deps.logger, () => this.log, this.secrets);
    this.stop = new AttemptStop({ ...ctx.spec, runId: ctx.runId, taskId: ctx.taskId, changedSince: (ms) => this.workspace.changedSince(ms) });
    this.end = new AttemptEnd(deps.store, ctx.runId, ctx.taskId, owner, () => this.findings, (status) => (this.endStatus = status));
    this.events.on(this.evidence.add);
    this.transcript = openTranscript(deps.store, deps.transcripts, ctx, owner, this.secrets, () => this.log);
    if (this.transcript) this.events.on(this.transcript.add);
    this.verified = new VerifiedAttempt({ ...deps, ctx, owner, workspace: this.workspace, stop: this.stop, events: this.events, meter: this.meter, findings: this.findings, secrets: this.secrets, named: this.named, log: () => this.log });
    this.flow = new AttemptFlow(deps.store, ctx, owner, this.end, this.secrets, (fields, msg) => this.say('info', fields, msg));
  }

  /**
   * The attempt's own lines carry its ids inline; a child logger (for agents and the
   * workspace) is made on first use only: building one per task shows in dispatch profiles.
   */
  private get log(): Logger {
    return (this.childLog ??= this.deps.logger.child(this.ids()));
  }

  private ids(): { runId: string; taskId: string; attempt: number } {
    return { runId: this.ctx.runId, taskId: this.ctx.taskId, attempt: this.owner.attempt };
  }

  private say(level: 'debug' | 'info' | 'warn', fields: Record<string, unknown>, msg: string): void {
    this.deps.logger[level]({ ...this.ids(), ...fields }, msg);
  }

  /** Runs the attempt; throws what BullMQ must hear (a retry, or an UnrecoverableError). */
  async run(attemptsLeft: number): Promise<void> {
    const { ctx } = this;
    try {
      if (await this.flow.skipped()) return void (this.endStatus = 'skipped');
      budgetGate(ctx);
      if (ctx.spec.mergeQueue) {
        const merged = await this.verified.mergeQueue();
        return void (await (merged ? this.succeeded({ ...merged, durationMs: Date.now() - this.started }) : this.lost()));
      }
      const prepared = await this.verified.ready(jobIdOf(ctx.runId, ctx.taskId), undefined, await this.flow.io());
      const ran = await this.verified.agent(prepared);
      this.result = scrubResult({ outputTail: ran.result.outputTail ?? null, summary: ran.result.summary, review: ran.review }, this.secrets);
      if (ran.result.exit !== 0) throw exitFailure(ran.result.exit, ctx.spec.agent, this.result, this.evidence);
      if (ran.failure) {
        this.result.outputTail = ran.failure.tail;
        throw checkFailedError(ran.failure, ran.fixRounds);
      }
      this.result.outputs = await this.flow.outputs();
      // The fence before side effects outside Redis: a worker cut off from Redis may have been
      // replaced; it must not overwrite the newer attempt's branch.
      if (this.workspace.publishes && !(await this.deps.store.attempts.owns(ctx.runId, ctx.taskId, this.owner))) return void (await this.lost());
      const published = await this.events.timed('publish', () => this.workspace.publish(ctx, prepared.base), (p) => p?.branch);
      const result = { ...this.result, ...(published ?? {}), base: prepared.base, durationMs: Date.now() - this.started };
      if (await this.flow.beforeSuccess(result, this.meter.spend)) return;
      await this.succeeded(result);
    } catch (err) {
      if (err instanceof WaitRequest && !this.stop.reason) return void (await this.parked(err));
      if (err instanceof FleetError && typeof err.details.outputTail === 'string') this.result.outputTail = err.details.outputTail;
      await this.failed(scrubError(asFleetError(err, this.stop.reason), this.secrets), attemptsLeft);
    } finally {
      this.stop.dispose();
      await this.transcript?.close(this.endStatus);
      await this.flow.dispose().catch(() => undefined);
      await this.workspace.release().catch((e: Error) => this.say('warn', { err: e.message }, 'workspace release failed'));
    }
  }

  private async succeeded(result: TaskResult): Promise<void> {
    const outcome = await this.endingWithTranscript('succeeded', (tail) => this.end.succeeded(result, this.meter.spend, tail));
    this.say('info', { durationMs: result.durationMs, commit: result.commit, ready: outcome.ready.length, duplicate: outcome.duplicate, stale: outcome.stale }, outcome.stale ? 'task result dropped: another attempt owns the task' : 'task succeeded');
    if (outcome.stale) await this.end.undecided('lost', this.meter.spend, null);
    if (outcome.runFinished) this.runFinished(outcome.runFinished);
  }

  private async failed(error: FleetError, attemptsLeft: number): Promise<void> {
    const verdict = classifyFailure(error, attemptsLeft);
    if (verdict === 'cancelled') {
      this.say('warn', {}, 'task cancelled: agent stopped');
      await this.end.undecided('cancelled', this.meter.spend, error);
      return;
    }
    this.say('warn', { kind: error.kind, err: error.message, final: verdict === 'final' }, 'task attempt failed');
    if (verdict === 'retry') {
      await this.end.retrying(error, this.meter.spend);
      throw error;
    }
    const outcome = await this.endingWithTranscript('failed', (tail) => this.end.failed(error, { ...this.result, durationMs: Date.now() - this.started }, this.meter.spend, tail));
    if (outcome.runFinished) this.runFinished(outcome.runFinished);
    throw new UnrecoverableError(`${error.kind}: ${error.message}`);
  }

  /** The task's end and the transcript's last entries in one script; the transcript ends as usual when the attempt did not end the task (stale, duplicate). */
  private async endingWithTranscript(status: 'succeeded' | 'failed', end: (tail: TranscriptBatch | undefined) => Promise<CompleteOutcome>): Promise<CompleteOutcome> {
    const tail = await this.transcript?.handOver(status);
    const outcome = await end(tail);
    this.transcript?.handedOver(!outcome.duplicate && !outcome.stale);
    return outcome;
  }

  private async parked(request: WaitRequest): Promise<void> {
    const wait = { ...request.wait, reason: scrubSecrets(request.wait.reason, this.secrets) };
    const parked = await this.end.parked(wait, this.meter.spend);
    this.say('info', { wait, parked }, parked ? 'task parked: it waits without a slot' : 'task not parked: another attempt owns it');
  }

  private async lost(): Promise<void> {
    this.say('warn', {}, 'another attempt owns this task now; dropping this one without publishing');
    await this.end.undecided('lost', this.meter.spend, null);
  }

  private runFinished(status: string): void {
    this.say('info', { status }, 'run finished');
  }
}

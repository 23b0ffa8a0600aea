import type { FleetError } from '@agentfleet/core';
import type { AttemptHistoryEntry, AttemptOwner, AttemptSpend, AttemptStatus, CompleteOutcome, FleetStore, TaskResult, TaskWait, TranscriptBatch } from '@agentfleet/store';

/** What the fleet's own steps found out during an attempt: its check runs, its workspace setup, what its processes ran in. */
export type AttemptFindings = Pick<AttemptHistoryEntry, 'rounds' | 'setup'> & Partial<Pick<AttemptHistoryEntry, 'setupMs' | 'sandbox' | 'network' | 'env' | 'envMissing'>>;

const NO_FINDINGS: AttemptFindings = { rounds: [], setup: null };

/** The history entry of an attempt that ends now. */
export function historyEntry(owner: AttemptOwner, status: AttemptStatus, spend: AttemptSpend, error: FleetError | null, findings: AttemptFindings = NO_FINDINGS): AttemptHistoryEntry {
  return {
    attempt: owner.attempt,
    host: owner.host,
    worker: owner.worker,
    startedAt: new Date(owner.startedAt || Date.now()).toISOString(),
    finishedAt: new Date().toISOString(),
    status,
    error: error ? { kind: error.kind, message: error.message } : null,
    usage: spend.usage,
    costUsd: spend.costUsd,
    provider: spend.provider,
    model: spend.model,
    sandbox: findings.sandbox ?? null,
    ...(findings.sandbox ? { network: findings.network ?? null, env: findings.env ?? [], envMissing: findings.envMissing ?? [] } : {}),
    rounds: findings.rounds,
    setup: findings.setup,
    ...(findings.setupMs !== undefined ? { setupMs: findings.setupMs } : {}),
  };
}

/**
 * Records how an attempt ended, in one place: every end records what the attempt spent and
 * its history entry; succeeded and failed also end the task and advance the DAG.
 */
export class AttemptEnd {
  constructor(
    private readonly store: FleetStore,
    private readonly runId: string,
    private readonly taskId: string,
    private readonly owner: AttemptOwner,
    /** read when the attempt ends: what it found out so far */
    private readonly findings: () => AttemptFindings = () => NO_FINDINGS,
    /** told how the attempt ended, as its history entry says (the transcript's last line) */
    private readonly onEnd?: (status: AttemptStatus) => void,
  ) {}

  private entry(status: AttemptStatus, spend: AttemptSpend, error: FleetError | null): AttemptHistoryEntry {
    this.onEnd?.(status);
    return historyEntry(this.owner, status, spend, error, this.findings());
  }

  /** `transcript`: the transcript's last entries, written with the task's end. */
  succeeded(result: TaskResult, spend: AttemptSpend, transcript?: TranscriptBatch): Promise<CompleteOutcome> {
    return this.store.attempts.complete({ runId: this.runId, taskId: this.taskId, outcome: 'succeeded', result, owner: this.owner, spend, history: this.entry('succeeded', spend, null), ...(transcript ? { transcript } : {}) });
  }

  failed(error: FleetError, result: TaskResult, spend: AttemptSpend, transcript?: TranscriptBatch): Promise<CompleteOutcome> {
    return this.store.attempts.complete({
      runId: this.runId,
      taskId: this.taskId,
      outcome: 'failed',
      result,
      error: { kind: error.kind, message: error.message },
      owner: this.owner,
      spend,
      history: this.entry('failed', spend, error),
      ...(transcript ? { transcript } : {}),
    });
  }

  /** BullMQ runs another attempt; false when this one had lost the task already. */
  retrying(error: FleetError, spend: AttemptSpend): Promise<boolean> {
    return this.store.attempts.retrying({ runId: this.runId, taskId: this.taskId, error: { kind: error.kind, message: error.message }, owner: this.owner, spend, history: this.entry('retrying', spend, error) });
  }

  /** The task waits (no slot, no job, no retry spent) until the wait is due or a command wakes it. */
  parked(wait: TaskWait, spend: AttemptSpend): Promise<boolean> {
    const entry = { ...this.entry('parked', spend, null), wait };
    return this.store.waits.park({ runId: this.runId, taskId: this.taskId, owner: this.owner, status: 'parked', wait, spend, history: entry });
  }

  /** An approval gate: the published result waits for `fleet approve|reject` (or its timeout), holding no slot. */
  awaitingApproval(wait: TaskWait, result: TaskResult, spend: AttemptSpend): Promise<boolean> {
    const entry = { ...historyEntry(this.owner, 'awaiting_approval', spend, null), wait };
    return this.store.waits.park({ runId: this.runId, taskId: this.taskId, owner: this.owner, status: 'awaiting_approval', wait, spend, history: entry, result });
  }

  /** Cancelled with its run, or lost to another attempt: the task's state is not this attempt's to set. */
  undecided(status: 'cancelled' | 'lost', spend: AttemptSpend, error: FleetError | null): Promise<boolean> {
    return this.store.attempts.recordEnded({ runId: this.runId, taskId: this.taskId, spend, history: this.entry(status, spend, error) });
  }
}

import type { Logger } from '@agentfleet/telemetry';
import { jobIdOf, PROTOCOL_VERSION } from '@agentfleet/core';
import type { FleetStore } from './fleet-store.js';
import { Lease } from './lease.js';
import { DEFAULT_QUEUE } from './task-queues.js';
import type { WaitingTask } from './task-waits.js';
import type { ReadyTask } from './types.js';

export interface ReconcileReport {
  requeued: number;
  failed: number;
  /** parked tasks whose time had come */
  woken: number;
  /** eval trials launched (a CLI that died mid-launch) and recorded */
  evalTrials?: { launched: number; recorded: number };
}

/**
 * Repairs what a crash between two steps can leave behind, under a Redis lease so one
 * daemon does it at a time: a queued task without a job (its dependency's worker died
 * between the DAG advance and adding the job) or a running task whose job vanished (lost
 * with Redis) gets its job back; a task whose job BullMQ failed on its own (stalled too
 * often) is recorded failed so the run can finish. It also wakes parked tasks that are due,
 * hands other due waits (an approval's timeout) to `onDue`, and records hosts gone down.
 */
export class Reconciler {
  private readonly lease: Lease;

  constructor(
    private readonly store: FleetStore,
    private readonly owner: string,
    private readonly opts: { leaseMs?: number; logger?: Logger; graceMs?: number; protocol?: number; onDue?: (wait: WaitingTask) => Promise<void> } = {},
  ) {
    // One lease per protocol: daemons of different releases each repair the runs they speak.
    this.lease = new Lease(store.redis, store.keys.lease(`reconciler@${opts.protocol ?? PROTOCOL_VERSION}`), owner, opts.leaseMs ?? 15_000);
  }

  private held = false;

  /** Whether this daemon held the lease at its last tick (it also does the fleet's retention). */
  get leader(): boolean {
    return this.held;
  }

  async tick(): Promise<ReconcileReport | null> {
    this.held = await this.lease.acquire();
    if (!this.held) return null;
    // A worker is between "recorded queued" and "job added" for a few ms: only older cases are repairs.
    const settled = Date.now() - (this.opts.graceMs ?? 3000);
    const report: ReconcileReport = { requeued: 0, failed: 0, woken: 0 };
    const { redis, keys } = this.store;
    const due = await this.store.waits.wakeDue();
    report.woken = due.woken.length;
    for (const w of due.others) await this.opts.onDue?.(w);
    const down = await this.store.hostWatch.check();
    if (down.length) this.opts.logger?.warn({ hosts: down }, 'hosts lost their heartbeat');
    for (const runId of await redis.smembers(keys.activeRuns())) {
      // A run of a newer release is left to the daemons that speak its protocol.
      if (Number((await redis.hget(keys.run(runId), 'protocol')) ?? 1) > (this.opts.protocol ?? PROTOCOL_VERSION)) continue;
      const inflight = await redis.smembers(keys.runInflight(runId));
      for (let i = 0; i < inflight.length; i += 500) await this.repair(runId, inflight.slice(i, i + 500), settled, report);
    }
    report.evalTrials = await this.advanceEvals();
    if (report.requeued + report.failed > 0) this.opts.logger?.warn({ ...report }, 'reconciler repaired tasks');
    if (report.woken > 0) this.opts.logger?.info({ woken: due.woken.map((w) => `${w.runId}/${w.taskId}`) }, 'woke parked tasks whose time had come');
    return report;
  }

  /** Evals: trials a dead CLI did not launch, results of ended trials, budgets, settling; a failing eval does not stop the rest of the tick. */
  private async advanceEvals(): Promise<{ launched: number; recorded: number }> {
    const total = { launched: 0, recorded: 0 };
    try {
      for (const r of await this.store.evals.ticker.tick(this.owner)) {
        total.launched += r.launched;
        total.recorded += r.recorded;
      }
    } catch (e) {
      this.opts.logger?.warn({ err: (e as Error).message }, 'advancing evals failed');
    }
    if (total.launched) this.opts.logger?.info(total, 'launched eval trials a CLI had left');
    return total;
  }

  /** A batch of a run's inflight tasks: jobs added back, or the task failed when BullMQ gave up on it. */
  private async repair(runId: string, ids: string[], settled: number, report: ReconcileReport): Promise<void> {
    const { redis, keys } = this.store;
    const tx = redis.multi();
    for (const id of ids) tx.hmget(keys.task(runId, id), 'status', 'queue', 'maxAttempts', 'backoffMs', 'queuedAt', 'priority', 'jobSeq', 'retriesUsed');
    const rows = ((await tx.exec()) ?? []).map((r) => r[1] as (string | null)[]);
    const check = redis.multi();
    const jobId = (j: number) => jobIdOf(runId, ids[j]!, Number(rows[j]?.[6] ?? 0));
    ids.forEach((_, j) => {
      const queue = rows[j]?.[1] ?? DEFAULT_QUEUE;
      check.exists(keys.bullJob(queue, jobId(j)));
      check.zscore(keys.bullFailed(queue), jobId(j));
    });
    const res = ((await check.exec()) ?? []).map((r) => r[1]);
    const lost: ReadyTask[] = [];
    for (let j = 0; j < ids.length; j++) {
      const [status, queue = DEFAULT_QUEUE, maxAttempts, backoffMs, queuedAt, priority, jobSeq, retriesUsed] = rows[j] ?? [];
      if (status !== 'queued' && status !== 'running') continue;
      if (status === 'queued' && Number(queuedAt ?? 0) > settled) continue;
      const taskId = ids[j]!;
      const failedScore = res[2 * j + 1];
      if (res[2 * j] !== 1) {
        const attempts = Math.max(1, Number(maxAttempts ?? 1) - Number(retriesUsed ?? 0));
        lost.push({ runId, taskId, queue: queue ?? DEFAULT_QUEUE, attempts, backoffMs: Number(backoffMs ?? 0), priority: Number(priority ?? 0), jobSeq: Number(jobSeq ?? 0) });
      } else if (failedScore !== null && failedScore !== undefined) {
        const reason = (await redis.hget(keys.bullJob(queue ?? DEFAULT_QUEUE, jobId(j)), 'failedReason')) ?? 'job failed';
        const kind = /stalled/i.test(reason) ? 'stalled' : 'internal';
        await this.store.attempts.complete({ runId, taskId, outcome: 'failed', result: {}, error: { kind, message: `worker lost the task: ${reason}` } });
        report.failed++;
      }
    }
    if (lost.length) {
      await this.store.queues.add(lost);
      report.requeued += lost.length;
    }
  }

  async stop(): Promise<void> {
    await this.lease.release();
  }
}

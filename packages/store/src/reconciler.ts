import type { Logger } from '@agentfleet/telemetry';
import type { FleetStore } from './fleet-store.js';
import { Lease } from './lease.js';
import type { ReadyTask } from './task-queues.js';

export interface ReconcileReport {
  requeued: number;
  failed: number;
}

/**
 * Repairs what a crash between two steps can leave behind, under a Redis lease so one
 * daemon does it at a time: a queued task without a job (its dependency's worker died
 * between the DAG advance and adding the job) or a running task whose job vanished (lost
 * with Redis) gets its job back; a task whose job BullMQ failed on its own (stalled too
 * often) is recorded failed so the run can finish.
 */
export class Reconciler {
  private readonly lease: Lease;

  constructor(
    private readonly store: FleetStore,
    owner: string,
    private readonly opts: { leaseMs?: number; logger?: Logger; graceMs?: number } = {},
  ) {
    this.lease = new Lease(store.redis, store.keys.lease('reconciler'), owner, opts.leaseMs ?? 15_000);
  }

  async tick(): Promise<ReconcileReport | null> {
    if (!(await this.lease.acquire())) return null;
    // A worker is between "recorded queued" and "job added" for a few ms: only older cases are repairs.
    const settled = Date.now() - (this.opts.graceMs ?? 3000);
    const report: ReconcileReport = { requeued: 0, failed: 0 };
    const { redis, keys } = this.store;
    for (const runId of await redis.smembers(keys.activeRuns())) {
      const inflight = await redis.smembers(keys.runInflight(runId));
      for (let i = 0; i < inflight.length; i += 500) {
        const ids = inflight.slice(i, i + 500);
        const tx = redis.multi();
        for (const id of ids) tx.hmget(keys.task(runId, id), 'status', 'queue', 'maxAttempts', 'backoffMs', 'agent', 'queuedAt', 'priority');
        const rows = ((await tx.exec()) ?? []).map((r) => r[1] as (string | null)[]);
        const check = redis.multi();
        ids.forEach((id, j) => {
          const queue = rows[j]?.[1] ?? 'tasks';
          check.exists(keys.bullJob(queue, `${runId}.${id}`));
          check.zscore(keys.bullFailed(queue), `${runId}.${id}`);
        });
        const res = ((await check.exec()) ?? []).map((r) => r[1]);
        const lost: ReadyTask[] = [];
        for (let j = 0; j < ids.length; j++) {
          const [status, queue, maxAttempts, backoffMs, agent, queuedAt, priority] = rows[j] ?? [];
          if (status !== 'queued' && status !== 'running') continue;
          if (status === 'queued' && Number(queuedAt ?? 0) > settled) continue;
          const exists = res[2 * j] === 1;
          const failedScore = res[2 * j + 1];
          if (!exists) {
            lost.push({ runId, taskId: ids[j]!, queue: queue ?? 'tasks', attempts: Number(maxAttempts ?? 1), backoffMs: Number(backoffMs ?? 0), priority: Number(priority ?? 0) });
          } else if (failedScore !== null && failedScore !== undefined) {
            const reason = (await redis.hget(keys.bullJob(queue ?? 'tasks', `${runId}.${ids[j]}`), 'failedReason')) ?? 'job failed';
            const stalled = /stalled/i.test(reason);
            const outcome = await this.store.complete(runId, ids[j]!, 'failed', {}, {
              agent: agent ?? 'unknown',
              error: { kind: stalled ? 'stalled' : 'internal', message: `worker lost the task: ${reason}` },
            });
            await this.store.enqueue(outcome.ready);
            report.failed++;
          }
        }
        if (lost.length) {
          await this.store.queues.add(lost);
          report.requeued += lost.length;
        }
      }
    }
    if (report.requeued + report.failed > 0) this.opts.logger?.warn({ ...report }, 'reconciler repaired tasks');
    return report;
  }

  async stop(): Promise<void> {
    await this.lease.release();
  }
}

import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import { queuesForHost, type FleetStore, type TaskJobData } from '@agentfleet/store';
import type { HostSandboxMode } from '@agentfleet/core';
import type { Logger } from '@agentfleet/telemetry';

export interface QueueWorkersOptions {
  store: FleetStore;
  connection: ConnectionOptions;
  prefix: string;
  name: string;
  labels: readonly string[];
  protocol: number;
  /** how the host confines tasks: a host that cannot sandbox serves only the queues of sandbox: none tasks */
  sandbox: HostSandboxMode;
  lockMs: number;
  stalledMs: number;
  logger: Logger;
  process: (job: Job<TaskJobData>) => Promise<void>;
}

/**
 * The BullMQ side of a worker process: one Worker (concurrency 1) per queue its host may
 * serve — label sets it carries, protocols it speaks — all behind one mutex, so the process
 * runs one task at a time. With a single queue the mutex costs nothing.
 */
export class QueueWorkers {
  private readonly workers = new Map<string, Worker<TaskJobData>>();
  private lock: Promise<void> = Promise.resolve();

  constructor(private readonly opts: QueueWorkersOptions) {}

  get names(): string[] {
    return [...this.workers.keys()];
  }

  /** Starts a Worker for each servable queue that has none yet (a run brought a new label set). */
  async sync(): Promise<void> {
    const o = this.opts;
    for (const q of queuesForHost(await o.store.figures.knownQueues(), o.labels, o.protocol, o.sandbox)) {
      if (this.workers.has(q)) continue;
      const w = new Worker<TaskJobData>(q, (job) => this.exclusive(job), {
        connection: o.connection,
        prefix: o.prefix,
        concurrency: 1,
        lockDuration: o.lockMs,
        stalledInterval: o.stalledMs,
        // A killed worker's job stalls; it must come back, not fail (tasks are never lost).
        maxStalledCount: 1000,
        name: o.name,
      });
      w.on('error', (e) => o.logger.warn({ queue: q, err: e.message }, 'queue worker error'));
      this.workers.set(q, w);
    }
  }

  /** Waits for the running job (BullMQ's close), then stops taking jobs. */
  async close(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.close()));
  }

  private async exclusive(job: Job<TaskJobData>): Promise<void> {
    const previous = this.lock;
    let release!: () => void;
    this.lock = new Promise((r) => (release = r));
    await previous;
    try {
      await this.opts.process(job);
    } finally {
      release();
    }
  }
}

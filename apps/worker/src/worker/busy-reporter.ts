import type { FromWorker } from '../ipc.js';

/**
 * Tells the host daemon which task the worker runs, but only for tasks that last: a message
 * per millisecond-long task would wake the daemon for nothing (it reports worker states
 * every few seconds).
 */
export class BusyReporter {
  private timer: NodeJS.Timeout | null = null;
  private reported = false;

  constructor(
    private readonly send: (m: FromWorker) => void,
    private readonly afterMs = 50,
  ) {}

  busy(runId: string, taskId: string): void {
    const startedAt = Date.now();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.reported = true;
      this.send({ type: 'busy', runId, taskId, startedAt });
    }, this.afterMs);
  }

  idle(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.reported) this.send({ type: 'idle' });
    this.reported = false;
  }
}

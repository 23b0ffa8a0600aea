// Live run pages: one poller per run watched, however many browsers watch it (no polling storm:
// browsers only listen). Each second it reads the tasks' statuses and sends what changed.
import type { Schedule } from '@agentfleet/core';
import type { FleetStore, GraphTask, TaskStatus } from '@agentfleet/store';
import type { Logger } from '@agentfleet/telemetry';
import { figuresHtml as renderFigures } from './pages/run-page.js';
import { runFigures } from './run-figures.js';
import { SseClient } from './sse.js';

interface Watched {
  runId: string;
  tasks: GraphTask[];
  schedule: Schedule;
  statuses: Map<string, TaskStatus>;
  clients: Set<SseClient>;
  timer: NodeJS.Timeout;
  etaAt: number;
}

export class RunWatch {
  private readonly runs = new Map<string, Watched>();

  constructor(
    private readonly store: FleetStore,
    private readonly logger: Logger,
    private readonly everyMs = 1000,
  ) {}

  /** Adds a browser to the run's watchers; the first one starts its poller. */
  add(client: SseClient, runId: string, tasks: GraphTask[], schedule: Schedule): void {
    let w = this.runs.get(runId);
    if (!w) {
      const statuses = new Map(tasks.map((t) => [t.id, t.status]));
      w = { runId, tasks, schedule, statuses, clients: new Set(), etaAt: 0, timer: setInterval(() => void this.tick(runId), this.everyMs) };
      this.runs.set(runId, w);
    }
    w.clients.add(client);
    client.res.on('close', () => this.remove(runId, client));
  }

  get watching(): number {
    return this.runs.size;
  }

  private remove(runId: string, client: SseClient): void {
    const w = this.runs.get(runId);
    if (!w) return;
    w.clients.delete(client);
    if (w.clients.size === 0) {
      clearInterval(w.timer);
      this.runs.delete(runId);
    }
  }

  private async tick(runId: string): Promise<void> {
    const w = this.runs.get(runId);
    if (!w) return;
    try {
      const [now, run] = await Promise.all([this.store.read.statuses(runId, w.tasks.map((t) => t.id)), this.store.read.get(runId)]);
      const changes: Record<string, TaskStatus> = {};
      for (const [id, s] of now) if (w.statuses.get(id) !== s) changes[id] = s;
      w.statuses = now;
      const figures = Date.now() - w.etaAt > 5000 || Object.keys(changes).length ? await this.figures(w) : undefined;
      if (!Object.keys(changes).length && !figures) return;
      const figuresHtml = figures ? renderFigures(figures, run.costUsd) : undefined;
      for (const c of w.clients) c.send('status', { changes, run: { status: run.status, costUsd: run.costUsd }, figuresHtml });
    } catch (e) {
      this.logger.debug({ runId, err: (e as Error).message }, 'console: run poll failed');
    }
  }

  private async figures(w: Watched) {
    w.etaAt = Date.now();
    const hosts = await this.store.hosts.list();
    return runFigures(w.tasks, w.statuses, w.schedule, hosts.filter((h) => h.up).reduce((s, h) => s + h.slots.desired, 0));
  }

  close(): void {
    for (const w of this.runs.values()) clearInterval(w.timer);
    this.runs.clear();
  }
}

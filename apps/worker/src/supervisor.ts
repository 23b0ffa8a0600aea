// Keeps the host daemon's worker processes alive, one per slot (see the class below).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { workerLogName } from '@agentfleet/host-contract';
import type { Logger } from '@agentfleet/telemetry';
import type { WorkerStatus } from '@agentfleet/store';
import type { FromWorker, ToWorker } from './ipc.js';
import { slotName } from './settings.js';

interface Slot {
  slot: number;
  child: ChildProcess | null;
  state: WorkerStatus['state'];
  runId: string | null;
  taskId: string | null;
  taskStartedAt: number | null;
  restarts: number;
  consecutiveCrashes: number;
  startedAt: number;
  lastExit: string | null;
  /** asked to finish its task and exit (scale down or drain): do not restart */
  retiring: boolean;
  /** was retiring, then wanted again: respawn right after it exits */
  rejoin: boolean;
  restartTimer: NodeJS.Timeout | null;
}

export interface SupervisorOptions {
  workerScript: string;
  /** The environment of the worker process of a slot. */
  workerEnv: (slot: number) => NodeJS.ProcessEnv;
  logDir: string;
  logger: Logger;
  onRestart?: (slot: number, cause: string) => void;
  /** ms of uptime after which a worker counts as healthy again (crash backoff resets) */
  healthyAfterMs?: number;
}

/** How an exit is described in the log: the code or the signal, and whether we asked for it. */
export function exitCause(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `killed by ${signal}`;
  return code === 0 ? 'exited normally (code 0)' : `exited with code ${code}`;
}

/** Restart delay after n consecutive crashes: 0.5 s doubling up to 30 s. */
export function backoffMs(consecutiveCrashes: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, consecutiveCrashes - 1));
}

/**
 * Keeps N worker processes alive: restarts crashed ones with exponential backoff, retires
 * surplus ones gracefully (they finish their task first), never kills a running task to scale.
 */
export class Supervisor {
  private readonly slots = new Map<number, Slot>();
  private desired = 0;
  private draining = false;
  private paused = false;

  constructor(private readonly opts: SupervisorOptions) {
    mkdirSync(opts.logDir, { recursive: true });
  }

  get size(): number {
    return this.desired;
  }

  setDesired(n: number): void {
    this.desired = Math.max(0, n);
    this.reconcile();
  }

  /** Stop taking tasks: every worker finishes its current task and exits; none restarts. */
  drain(): void {
    this.draining = true;
    this.reconcile();
  }

  undrain(): void {
    this.draining = false;
    this.reconcile();
  }

  /**
   * Take no new tasks for now (disk-free guard): workers finish their task and exit, as in a
   * drain, and come back when the pause is lifted.
   */
  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.reconcile();
  }

  /** Workspace slot names of the workers this daemon keeps (the janitor leaves them alone). */
  slotNames(host: string): Set<string> {
    return new Set([...this.slots.keys()].map((i) => slotName(host, i)));
  }

  pids(): number[] {
    return [...this.slots.values()].flatMap((s) => (s.child?.pid ? [s.child.pid] : []));
  }

  alive(): number {
    return [...this.slots.values()].filter((s) => s.child).length;
  }

  status(samples: Map<number, { rssBytes: number; cpu: number }>): WorkerStatus[] {
    return [...this.slots.values()]
      .sort((a, b) => a.slot - b.slot)
      .map((s) => {
        const pid = s.child?.pid ?? null;
        const sample = pid ? samples.get(pid) : undefined;
        return {
          slot: s.slot,
          pid,
          state: s.retiring && s.child ? (s.state === 'busy' ? 'busy' : 'draining') : s.state,
          runId: s.runId,
          taskId: s.taskId,
          taskStartedAt: s.taskStartedAt,
          rssBytes: sample?.rssBytes ?? 0,
          cpu: sample?.cpu ?? 0,
          restarts: s.restarts,
          lastExit: s.lastExit,
        };
      });
  }

  private reconcile(): void {
    const want = this.draining || this.paused ? 0 : this.desired;
    // Grow: fill the lowest free slot numbers.
    for (let i = 0; i < want; i++) {
      const s = this.slots.get(i);
      if (!s) this.spawn(this.newSlot(i));
      else if (s.retiring && !s.child) {
        s.retiring = false;
        this.spawn(s);
      } else if (s.retiring) {
        // It was retiring but is wanted again: it exits after its task, then comes back.
        s.retiring = false;
        s.rejoin = true;
      }
    }
    // Shrink: the highest slots retire after their current task.
    for (const s of this.slots.values()) {
      if (s.slot >= want && !s.retiring) {
        s.retiring = true;
        if (s.restartTimer) clearTimeout(s.restartTimer);
        s.restartTimer = null;
        if (s.child) this.send(s, { type: 'drain' });
        else this.slots.delete(s.slot);
      }
    }
  }

  private newSlot(i: number): Slot {
    const s: Slot = { slot: i, child: null, state: 'starting', runId: null, taskId: null, taskStartedAt: null, restarts: 0, consecutiveCrashes: 0, startedAt: 0, lastExit: null, retiring: false, rejoin: false, restartTimer: null };
    this.slots.set(i, s);
    return s;
  }

  private spawn(s: Slot): void {
    const log = openSync(join(this.opts.logDir, workerLogName(s.slot)), 'a');
    const child = fork(this.opts.workerScript, [], {
      env: this.opts.workerEnv(s.slot),
      stdio: ['ignore', log, log, 'ipc'],
      serialization: 'json',
    });
    closeSync(log);
    s.child = child;
    s.state = 'starting';
    s.startedAt = Date.now();
    child.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        s.state = 'idle';
        if (s.retiring) this.send(s, { type: 'drain' });
      } else if (m.type === 'busy') {
        Object.assign(s, { state: 'busy', runId: m.runId, taskId: m.taskId, taskStartedAt: m.startedAt });
      } else if (m.type === 'idle') {
        Object.assign(s, { state: 'idle', runId: null, taskId: null, taskStartedAt: null });
      }
    });
    child.on('error', (e) => this.opts.logger.error({ slot: s.slot, err: e.message }, 'worker process error'));
    child.on('exit', (code, signal) => this.onExit(s, child, code, signal));
  }

  private onExit(s: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (s.child !== child) return;
    const cause = exitCause(code, signal);
    s.child = null;
    s.lastExit = cause;
    Object.assign(s, { runId: null, taskId: null, taskStartedAt: null });
    if (s.rejoin && !this.draining) {
      s.rejoin = false;
      this.spawn(s);
      return;
    }
    if (s.retiring || this.draining) {
      this.opts.logger.info({ slot: s.slot, cause }, 'worker retired');
      this.slots.delete(s.slot);
      return;
    }
    const uptime = Date.now() - s.startedAt;
    s.consecutiveCrashes = uptime > (this.opts.healthyAfterMs ?? 60_000) ? 1 : s.consecutiveCrashes + 1;
    s.restarts++;
    const delay = backoffMs(s.consecutiveCrashes);
    s.state = 'backoff';
    this.opts.logger.warn({ slot: s.slot, pid: child.pid, cause, uptimeMs: uptime, restartInMs: delay, restarts: s.restarts }, `worker ${s.slot} ${cause}; restarting in ${delay} ms`);
    this.opts.onRestart?.(s.slot, cause);
    s.restartTimer = setTimeout(() => {
      s.restartTimer = null;
      if (!s.retiring && !this.draining && this.slots.get(s.slot) === s) this.spawn(s);
    }, delay);
  }

  private send(s: Slot, m: ToWorker): void {
    if (s.child?.connected) s.child.send(m);
  }

  /** Waits until every worker process has exited (after drain). */
  async waitEmpty(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.alive() > 0) {
      if (Date.now() > deadline) return false;
      await sleep(100);
    }
    return true;
  }

  killAll(): void {
    for (const s of this.slots.values()) {
      if (s.restartTimer) clearTimeout(s.restartTimer);
      s.child?.kill('SIGKILL');
    }
  }
}

// A host daemon of the benchmark's own (the built apps/worker/dist/hostd.js) and run helpers.
import { spawn, type ChildProcess } from 'node:child_process';
import { makeRunId, type Schedule, type TaskSpec } from '@agentfleet/core';
import { createRedis, FleetStore, type RunReport } from '@agentfleet/store';
import { hostdScript, noConfig, plan, removeDir, runEnded, task, tempDir } from '@agentfleet/testkit';

export interface BenchDaemon {
  proc: ChildProcess;
  home: string;
  stop(): Promise<void>;
}

export async function startDaemon(url: string, prefix: string, host: string, slots: number, env: Record<string, string> = {}): Promise<BenchDaemon> {
  const home = tempDir(`bench-${host}`);
  const proc = spawn(process.execPath, [hostdScript], {
    env: { ...process.env, REDIS_URL: url, AGENTFLEET_PREFIX: prefix, AGENTFLEET_HOME: home, AGENTFLEET_HOST: host, AGENTFLEET_SLOTS: String(slots), AGENTFLEET_MIN_DISK_FREE: '0', LOG_LEVEL: 'warn', ...env },
    stdio: 'inherit',
  });
  return {
    proc,
    home,
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      removeDir(home);
    },
  };
}

export async function waitIdleWorkers(store: FleetStore, count: number): Promise<void> {
  for (;;) {
    const idle = (await store.hosts.list()).reduce((n, h) => n + h.workers.filter((w) => w.state === 'idle').length, 0);
    if (idle >= count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function openStore(url: string, prefix: string): FleetStore {
  return new FleetStore(createRedis(url), prefix);
}

export function shellTask(id: string, run: string, deps: string[], estimateMs: number): TaskSpec {
  return task(id, deps, { agent: 'shell', run, estimateMs, timeoutMs: 600_000, stallTimeoutMs: 600_000 });
}

/** Submits, waits for the end, returns the report and the wall time from submit to end. */
export async function runToEnd(store: FleetStore, tasks: TaskSpec[], schedule: Schedule): Promise<{ report: RunReport; wallMs: number }> {
  const runId = makeRunId(new Date());
  const t0 = Date.now();
  await store.runs.submit(plan(tasks, 'bench'), { runId, schedule, failFast: false, baseCommit: null, config: noConfig });
  await runEnded(store, runId, Number.POSITIVE_INFINITY, 50);
  const wallMs = Date.now() - t0;
  return { report: await store.read.report(runId), wallMs };
}

/** Makespan as the tasks saw it: first start to last finish. */
export function makespanOf(report: RunReport): number {
  const starts = report.tasks.map((t) => Date.parse(t.startedAt!));
  const ends = report.tasks.map((t) => Date.parse(t.finishedAt!));
  return Math.max(...ends) - Math.min(...starts);
}

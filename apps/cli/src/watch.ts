import { setTimeout as sleep } from 'node:timers/promises';
import { simulateMakespan, formatDuration, type Plan } from '@agentfleet/core';
import type { FleetStore, RunStatus } from '@agentfleet/store';
import { progressLine } from './report/progress.js';

const TERMINAL: RunStatus[] = ['succeeded', 'failed', 'cancelled'];

/**
 * Follows a run until it ends: counts by status as a bar, an ETA from the list-scheduling
 * simulation over what is left, and the task each worker is on. Redraws in a TTY; prints a
 * line on each change otherwise. Resolves with the final run status.
 */
export async function watchRun(store: FleetStore, runId: string, opts: { plan?: Plan; out?: NodeJS.WriteStream; intervalMs?: number } = {}): Promise<RunStatus> {
  const out = opts.out ?? process.stdout;
  const tty = out.isTTY === true;
  let lastLine = '';
  let drawn = 0;
  let eta: { at: number; ms: number | null } | null = null;
  for (;;) {
    const run = await store.read.get(runId);
    const lines = [progressLine(run)];
    if (opts.plan && !TERMINAL.includes(run.status)) {
      // The simulation reads every task: refresh it every few seconds, not every frame.
      if (!eta || Date.now() - eta.at > 5000) eta = { at: Date.now(), ms: await estimate(store, runId, opts.plan) };
      const left = eta.ms === null ? null : Math.max(0, eta.ms - (Date.now() - eta.at));
      if (left !== null) lines[0] += ` · ETA ${formatDuration(left)}`;
    }
    if (tty) {
      for (const t of (await store.read.running(runId)).sort((a, b) => a.worker.localeCompare(b.worker))) {
        lines.push(`  ${t.worker.padEnd(14)} ${t.taskId} (${formatDuration(Date.now() - t.startedAt)})`);
      }
      if (drawn) out.write(`\x1b[${drawn}A\x1b[J`);
      out.write(`${lines.join('\n')}\n`);
      drawn = lines.length;
    } else if (lines[0] !== lastLine) {
      out.write(`${lines[0]}\n`);
      lastLine = lines[0]!;
    }
    // (a run with a merge queue ends after it: its merges are in once the run is over)
    if (TERMINAL.includes(run.status)) return run.status;
    await sleep(opts.intervalMs ?? 500);
  }
}

async function estimate(store: FleetStore, runId: string, plan: Plan): Promise<number | null> {
  const report = await store.read.report(runId);
  const done = new Set(report.tasks.filter((t) => ['succeeded', 'failed', 'skipped', 'cancelled'].includes(t.status)).map((t) => t.id));
  const running = new Map(report.tasks.filter((t) => t.status === 'running' && t.startedAt).map((t) => [t.id, Date.now() - Date.parse(t.startedAt!)]));
  const hosts = await store.hosts.list();
  const slots = hosts.filter((h) => h.up).reduce((s, h) => s + h.slots.desired, 0);
  if (slots <= 0) return null;
  return simulateMakespan(plan.tasks, slots, report.run.schedule, { done, running });
}

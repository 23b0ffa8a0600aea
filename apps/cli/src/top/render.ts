// `fleet top` screens as plain lines: pure functions of a snapshot, a width and the time.
import type { HostSnapshot, RunSnapshot, TaskFailureSnapshot, WaitSnapshot, WorkerSnapshot } from '@agentfleet/telemetry';
import { waitSection } from './waits.js';
import { bar, fit, formatBytes, formatDuration, formatPercent, pad } from './format.js';
import { runProgress } from './progress.js';
import { providerSection, type ProviderSnapshot } from './providers-section.js';

export interface TopSnapshot {
  hosts: readonly HostSnapshot[];
  /** active runs */
  runs: readonly RunSnapshot[];
  failures: readonly TaskFailureSnapshot[];
  /** paused providers and permits, when the source tells them */
  providers?: ProviderSnapshot;
  /** tasks waiting without a slot: gates awaiting approval, parked tasks */
  waits?: readonly WaitSnapshot[];
  /** set when the last refresh failed: shown on top of the last good figures */
  error?: string | null;
}

export interface RenderOptions {
  width: number;
  /** rows available; lines beyond are replaced by a "… more" line */
  height?: number;
  /** epoch ms */
  now: number;
}

const MIN_WIDTH = 40;

export function renderTop(snap: TopSnapshot, opts: RenderOptions): string[] {
  const width = Math.max(opts.width, MIN_WIDTH);
  const lines = [
    headerLine(snap, opts.now),
    ...(snap.error ? [`! ${snap.error}`] : []),
    '',
    ...hostSection(snap, width, opts.now),
    '',
    ...runSection(snap.runs, width, opts.now),
    ...waitSection(snap.waits ?? [], snap.runs, opts.now),
    '',
    ...withGap(providerSection(snap.providers, opts.now)),
    ...failureSection(snap.failures, opts.now),
  ].map((l) => fit(l, width));
  if (opts.height !== undefined && lines.length > opts.height) {
    const keep = Math.max(opts.height - 1, 0);
    return [...lines.slice(0, keep), fit(`… ${lines.length - keep} more lines (enlarge the terminal)`, width)];
  }
  return lines;
}

function headerLine(snap: TopSnapshot, now: number): string {
  const up = snap.hosts.filter((h) => h.up).length;
  const busy = sum(snap.hosts.map((h) => (h.up ? h.slots.busy : 0)));
  const slots = sum(snap.hosts.map((h) => (h.up ? h.slots.busy + h.slots.idle : 0)));
  return `agentfleet top  ${clock(now)}  hosts ${up}/${snap.hosts.length} up  slots ${busy}/${slots} busy  runs ${snap.runs.length} active  (q quits)`;
}

function hostSection(snap: TopSnapshot, width: number, now: number): string[] {
  if (snap.hosts.length === 0) return ['HOSTS', '  no host has reported yet (is fleet-hostd running?)'];
  const runNames = new Map(snap.runs.map((r) => [r.id, r.name]));
  const nameWidth = Math.min(Math.max(...snap.hosts.map((h) => h.name.length), 4), 16);
  const barWidth = Math.max(5, Math.min(20, Math.floor((width - 70) / 2) + 10));
  const out = ['HOSTS'];
  for (const h of snap.hosts) {
    const slots = `slots ${h.slots.busy}/${h.slots.busy + h.slots.idle}${h.slots.desired !== h.slots.busy + h.slots.idle ? ` (want ${h.slots.desired})` : ''}`;
    if (!h.up) {
      const age = h.heartbeatAgeMs !== null ? `, last heartbeat ${formatDuration(h.heartbeatAgeMs)} ago` : '';
      out.push(`${pad(h.name, nameWidth)}  DOWN${age}  ${slots}`);
      continue;
    }
    const memRatio = h.memory.total > 0 ? h.memory.used / h.memory.total : 0;
    out.push(
      `${pad(h.name, nameWidth)}  ${h.draining ? 'drain' : 'up   '}  ${pad(slots, 10)}  CPU ${bar(h.cpu, barWidth)} ${pad(formatPercent(h.cpu), 4)}` +
        `  MEM ${bar(memRatio, barWidth)} ${formatBytes(h.memory.used)}/${formatBytes(h.memory.total)}` +
        `  load ${h.load1.toFixed(2)}  disk ${formatBytes(h.diskFree)}`,
    );
    const taskWidth = Math.max(12, Math.min(40, width - 56));
    for (const w of [...(h.workers ?? [])].sort((a, b) => a.slot - b.slot)) out.push(workerLine(h.name, w, runNames, now, taskWidth));
  }
  return out;
}

function workerLine(host: string, w: WorkerSnapshot, runNames: Map<string, string>, now: number, taskWidth: number): string {
  const label = `  ${host}#${w.slot}`;
  const state = pad(w.state, 8);
  if (w.taskId) {
    const run = w.runId ? (runNames.get(w.runId) ?? w.runId) : '?';
    const elapsed = w.taskStartedAt !== null ? formatDuration(now - w.taskStartedAt) : '';
    // elapsed time before the task name, so it survives a narrow terminal
    return `${label}  ${state}  ${pad(elapsed, 6)}  ${pad(fit(`${run}/${w.taskId}`, taskWidth), taskWidth)}  cpu ${pad(formatPercent(w.cpu), 4)}  rss ${formatBytes(w.rssBytes)}`;
  }
  const restarts = w.restarts > 0 ? `  restarts ${w.restarts}${w.lastExit ? ` (last: ${w.lastExit})` : ''}` : '';
  return `${label}  ${state}${restarts}`;
}

function runSection(runs: readonly RunSnapshot[], width: number, now: number): string[] {
  if (runs.length === 0) return ['RUNS', '  no active run'];
  const nameWidth = Math.min(Math.max(...runs.map((r) => r.name.length), 4), 24);
  const barWidth = Math.max(10, Math.min(30, width - 80));
  const out = ['RUNS'];
  for (const r of runs) {
    const p = runProgress(r, now);
    const eta = p.etaMs === null ? 'ETA --' : `ETA ${formatDuration(p.etaMs)}`;
    const extra = [p.running ? `${p.running} running` : '', p.failed ? `${p.failed} failed` : ''].filter(Boolean).join(', ');
    out.push(
      `${pad(r.name, nameWidth)}  ${pad(r.status, 9)} ${bar(p.ratio, barWidth)} ${p.done}/${p.total} ${pad(formatPercent(p.ratio), 4)}  ${eta}  elapsed ${formatDuration(p.elapsedMs)}` +
        (extra ? `  ${extra}` : ''),
    );
  }
  return out;
}

function failureSection(failures: readonly TaskFailureSnapshot[], now: number): string[] {
  if (failures.length === 0) return ['RECENT FAILURES', '  none'];
  const out = ['RECENT FAILURES'];
  for (const f of failures) {
    const at = typeof f.finishedAt === 'number' ? f.finishedAt : f.finishedAt ? Date.parse(f.finishedAt) : NaN;
    const ago = Number.isFinite(at) ? `${formatDuration(now - at)} ago` : '';
    const message = f.message.replace(/\s+/g, ' ').trim();
    out.push(`  ${pad(ago, 9)} ${f.taskId} (run ${f.runId})  ${f.kind}: ${message}`);
  }
  return out;
}

/** One line for logs and pipes (stdout not a terminal). */
export function renderSummary(snap: TopSnapshot, now: number): string {
  const up = snap.hosts.filter((h) => h.up).length;
  const busy = sum(snap.hosts.map((h) => (h.up ? h.slots.busy : 0)));
  const slots = sum(snap.hosts.map((h) => (h.up ? h.slots.busy + h.slots.idle : 0)));
  const runs = snap.runs.map((r) => {
    const p = runProgress(r, now);
    return `run ${r.name} ${r.status} ${p.done}/${p.total} (${formatPercent(p.ratio)})${p.etaMs !== null ? ` ETA ${formatDuration(p.etaMs)}` : ''}${p.failed ? ` failed ${p.failed}` : ''}`;
  });
  const paused = (snap.providers?.pauses ?? []).map((p) => `provider ${p.provider} paused ${formatDuration(Math.max(0, p.until - now))} more`);
  const waiting = snap.waits?.length ? [`waiting ${snap.waits.map((w) => `${w.taskId} (${w.status === 'awaiting_approval' ? 'approval' : w.kind})`).join(', ')}`] : [];
  const parts = [`hosts ${up}/${snap.hosts.length} up, slots ${busy}/${slots} busy`, ...(runs.length ? runs : ['no active run']), ...paused, ...waiting, `failures ${snap.failures.length}`];
  if (snap.error) parts.push(`error: ${snap.error}`);
  return `${new Date(now).toISOString().slice(0, 19)}Z ${parts.join('; ')}`;
}

function clock(now: number): string {
  const d = new Date(now);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

function withGap(lines: string[]): string[] {
  return lines.length ? [...lines, ''] : lines;
}

function sum(ns: number[]): number {
  return ns.reduce((a, b) => a + b, 0);
}

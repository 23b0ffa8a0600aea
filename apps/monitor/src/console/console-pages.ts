// Reading what each console page shows from the store (the pages themselves only render).
import { InputError, isEvalId, isRunId } from '@agentfleet/core';
import type { FleetStore } from '@agentfleet/store';
import type { LayoutCache } from './dag-layout.js';
import type { DiffCache } from './diff-cache.js';
import { evalPage } from './pages/eval-page.js';
import { evalsPage } from './pages/evals-page.js';
import { hostsPage } from './pages/hosts-page.js';
import { runPage } from './pages/run-page.js';
import { runsPage } from './pages/runs-page.js';
import { taskPage } from './pages/task-page.js';
import { runFigures } from './run-figures.js';
import { TranscriptHtml } from './transcript-html.js';

export interface PageDeps {
  store: FleetStore;
  layouts: LayoutCache;
  diffs: DiffCache;
}

export function checkRunId(runId: string): string {
  if (!isRunId(runId)) throw new InputError(`not a run id: '${runId}'`);
  return runId;
}

export async function renderRuns(d: PageDeps, csrf: string | null): Promise<string> {
  const [runs, archived] = await Promise.all([d.store.read.list({ limit: 50 }), d.store.archives.list()]);
  return runsPage(runs, csrf, archived.length);
}

async function slotsUp(store: FleetStore): Promise<number> {
  return (await store.hosts.list()).filter((h) => h.up).reduce((s, h) => s + h.slots.desired, 0);
}

export async function renderRun(d: PageDeps, runId: string, csrf: string | null): Promise<string> {
  const run = await d.store.read.get(checkRunId(runId));
  const tasks = await d.store.read.graph(runId);
  const layout = d.layouts.get(runId, tasks);
  const figures = runFigures(tasks, new Map(tasks.map((t) => [t.id, t.status])), run.schedule, await slotsUp(d.store));
  return runPage(run, tasks, layout, figures, csrf);
}

export async function renderHosts(d: PageDeps, csrf: string | null): Promise<string> {
  const [hosts, paused] = await Promise.all([d.store.hosts.list(), d.store.pauses.list()]);
  return hostsPage(hosts, paused, csrf);
}

export async function renderEvals(d: PageDeps, csrf: string | null): Promise<string> {
  return evalsPage(await d.store.evals.read.list(50), csrf);
}

export async function renderEval(d: PageDeps, evalId: string, csrf: string | null): Promise<string> {
  if (!isEvalId(evalId)) throw new InputError(`not an eval id: '${evalId}'`);
  return evalPage(await d.store.evals.read.report(evalId), csrf);
}

export async function renderTask(d: PageDeps, runId: string, taskId: string, attemptParam: string | null, csrf: string | null): Promise<string | null> {
  const task = await d.store.read.task(checkRunId(runId), taskId);
  if (!task) return null;
  const attempts = await d.store.transcripts.attempts(runId, taskId);
  const wanted = attemptParam ? Number(attemptParam) : undefined;
  const attempt = wanted !== undefined && attempts.includes(wanted) ? wanted : attempts.at(-1);
  const stored = attempt === undefined ? [] : await d.store.transcripts.read({ runId, taskId, attempt });
  const ended = stored.some((s) => s.entry.type === 'step' && s.entry.step === 'attempt' && s.entry.status !== 'started');
  const live = attempt === undefined ? false : !ended && (task.status === 'running' || task.attempts === attempt);
  return taskPage(
    { runId, task, attempts, attempt, transcript: renderEntries(stored.map((s) => s.entry)), after: stored.at(-1)?.id ?? '0', live, diff: await d.diffs.of(runId, task) },
    csrf,
  );
}

function renderEntries(entries: Parameters<TranscriptHtml['line']>[0][]): string[] {
  const html = new TranscriptHtml();
  return entries.map((e) => html.line(e));
}

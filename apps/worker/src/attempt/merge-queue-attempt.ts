import { FleetError } from '@agentfleet/core';
import type { Confinement } from '@agentfleet/sandbox';
import { MergeQueueBranch, type SlotWorkspace } from '@agentfleet/workspace';
import type { FleetStore, IntegrationResult, TaskContext, TaskResult } from '@agentfleet/store';
import type { AttemptEvents } from './attempt-events.js';
import type { CheckRun, RunCommand } from './checks.js';
import { runMergeQueue } from './merge-queue-run.js';

/** A prepared, set-up workspace, the environment of the task's processes in it and their sandbox (absent: unconfined). */
export interface ReadyWorkspace {
  dir: string;
  base: string | null;
  env: NodeJS.ProcessEnv;
  sandbox?: Confinement;
}

export interface MergeQueueAttemptDeps {
  ctx: TaskContext;
  store: FleetStore;
  slot: SlotWorkspace | undefined;
  home: string;
  /** "Name <email>" of the merge commits */
  author: string;
  kept: { keep: string[]; neverCommit: string[] };
  signal: AbortSignal;
  /** prepares the slot at `base` and sets it up (host files, repo.setup) */
  ready: (base: string) => Promise<ReadyWorkspace>;
  command: (ready: ReadyWorkspace) => RunCommand;
  /** the resolver agent in the workspace; its exit code */
  resolve: (ready: ReadyWorkspace, prompt: string) => Promise<number>;
  events: AttemptEvents;
  scrub: (s: string) => string;
  runs: CheckRun[];
  /** the fence before the push: does this attempt still own the task? */
  owns: () => Promise<boolean>;
}

/**
 * The merge-queue task of a run (it starts once every other task has ended): the branch's tip
 * read, the slot prepared there with the plan's setup, the queue run, the branch pushed, and
 * what became of each result recorded for the report. Its own result is the branch's new
 * head; null when the attempt lost the task before the push.
 */
export async function mergeQueueAttempt(d: MergeQueueAttemptDeps): Promise<TaskResult | null> {
  const { ctx } = d;
  const spec = ctx.spec.mergeQueue!;
  const name = spec.branch!;
  const repo = ctx.run.repo;
  if (!repo || !ctx.run.baseCommit || !d.slot) throw new FleetError('setup_failed', `the merge queue of run ${ctx.runId} needs a repository (repo: in the plan)`);
  const inputs = await d.store.integration.inputs(ctx.runId);
  const results = inputs?.results ?? [];
  try {
    const opts = { home: d.home, repoUrl: repo.url, pushUrl: repo.push ?? repo.url, branch: name, runId: ctx.runId, base: ctx.run.baseCommit, results, signal: d.signal };
    const branch = await d.events.timed('merge queue', () => MergeQueueBranch.open(opts), (b) => `${name} from ${b.start.slice(0, 12)}${b.tip ? '' : ' (new branch)'}`);
    const ready = await d.ready(branch.start);
    const slot = d.slot;
    // What the queue commits are merges of pushed results: nothing to salvage, whatever its end.
    const integration = await runMergeQueue({
      ctx, slot, branchName: name, results, author: d.author, kept: d.kept,
      command: d.command(ready), events: d.events, scrub: d.scrub, runs: d.runs, resolve: (prompt) => d.resolve(ready, prompt),
    }).finally(() => slot.settle());
    // The fence before the push: an attempt that lost the task leaves the branch to the one that has it.
    if (!(await d.owns())) return null;
    const head = integration.commit!;
    await d.events.timed('push', () => branch.push(head, slot.dir), () => `${name} @ ${head.slice(0, 12)}`);
    await d.store.integration.record(ctx.runId, integration);
    return { branch: name, commit: integration.commit ?? null, summary: summaryOf(integration, results.length) };
  } catch (e) {
    await d.store.integration.record(ctx.runId, { branch: name, merged: [], conflicts: [], error: d.scrub((e as Error).message) }).catch(() => undefined);
    throw e;
  }
}

function summaryOf(i: IntegrationResult, total: number): string {
  const out = (i.results ?? []).filter((r) => r.outcome === 'conflict' || r.outcome === 'check_failed');
  const left = out.length ? `; left out: ${out.map((r) => `${r.taskId} (${r.outcome === 'conflict' ? `conflict in ${(r.paths ?? []).join(', ')}` : `check ${r.check} failed`})`).join(', ')}` : '';
  return `merged ${i.merged.length} of ${total} results into ${i.branch}${left}`;
}

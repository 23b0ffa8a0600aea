import { abortMerge, commitMerge, containsCommit, headOf, resetTo, startMerge, type SlotWorkspace } from '@agentfleet/workspace';
import type { IntegrationResult, MergeQueueEntry, TaskContext } from '@agentfleet/store';
import type { AttemptEvents } from './attempt-events.js';
import { runChecks, type CheckRun, type RunCommand } from './checks.js';
import { resolverPrompt } from './resolver.js';

export interface MergeQueueInputs {
  ctx: TaskContext;
  slot: SlotWorkspace;
  branchName: string;
  results: { taskId: string; commit: string; title: string }[];
  author: string;
  kept: { keep: string[]; neverCommit: string[] };
  command: RunCommand;
  events: AttemptEvents;
  scrub: (s: string) => string;
  runs: CheckRun[];
  /** runs the resolver agent in the workspace with this prompt; its exit code */
  resolve: (prompt: string) => Promise<number>;
}

/**
 * The merge queue: every succeeded result in topological order, merged into the branch's
 * head one at a time; `integrate.check` after each merge; a result whose merge conflicts
 * (unless the resolver resolves it) or fails the check is left out, the head set back to
 * before it. Returns what became of each result, and the head to push (`commit`).
 */
export async function runMergeQueue(m: MergeQueueInputs): Promise<IntegrationResult> {
  const entries: MergeQueueEntry[] = [];
  const dir = m.slot.dir;
  for (const [i, r] of m.results.entries()) {
    const started = Date.now();
    const entry = await m.events.timed(`merge ${r.taskId}`, () => mergeOne(m, dir, r, i + 1), (e) => e.outcome);
    entries.push({ ...entry, durationMs: Date.now() - started });
  }
  await m.slot.trust();
  const head = await headOf(dir);
  return {
    branch: m.branchName,
    merged: entries.filter((e) => e.outcome === 'merged' || e.outcome === 'resolved').map((e) => e.taskId),
    conflicts: entries.filter((e) => e.outcome === 'conflict').map((e) => ({ taskId: e.taskId, paths: e.paths ?? [] })),
    commit: head,
    results: entries,
  };
}

type Entry = Omit<MergeQueueEntry, 'durationMs'>;

/** `position`: the result's place in the queue (1-based), the `round` of its check runs. */
async function mergeOne(m: MergeQueueInputs, dir: string, r: { taskId: string; commit: string; title: string }, position: number): Promise<Entry> {
  const base = { taskId: r.taskId, commit: r.commit };
  // the checks of the previous result ran in the sandbox: the worker's git comes after trust()
  await m.slot.trust();
  if (await containsCommit(dir, r.commit)) return { ...base, outcome: 'merged', noop: true };
  const before = await headOf(dir);
  const merged = await startMerge(dir, r, `fleet: merge queue: ${r.taskId} into ${m.branchName}`, m.author);
  if (merged) {
    if (!m.ctx.spec.mergeQueue?.resolver) {
      await abortMerge(dir);
      return { ...base, outcome: 'conflict', paths: merged.conflict };
    }
    const note = await resolve(m, dir, r, merged.conflict);
    if (note) {
      await resetTo(dir, before, m.kept.keep);
      return { ...base, outcome: 'conflict', paths: merged.conflict, note };
    }
  }
  const failed = await runChecks({ checks: m.ctx.spec.mergeQueue?.checks ?? [], round: position, timeoutMs: m.ctx.spec.checkTimeoutMs ?? 10 * 60_000, run: m.command, events: m.events, scrub: m.scrub, runs: m.runs });
  const paths = merged ? { paths: merged.conflict } : {};
  if (failed) {
    await m.slot.trust();
    await resetTo(dir, before, m.kept.keep);
    return { ...base, outcome: 'check_failed', ...paths, check: failed.check, exitCode: failed.exitCode, outputTail: failed.tail };
  }
  return { ...base, outcome: merged ? 'resolved' : 'merged', ...paths };
}

/** The resolver at work on a conflicted merge; undefined when it committed a clean resolution, else why not. */
async function resolve(m: MergeQueueInputs, dir: string, r: { taskId: string; commit: string; title: string }, paths: string[]): Promise<string | undefined> {
  const prompt = resolverPrompt({ ...r, branch: m.branchName, paths, checks: m.ctx.spec.mergeQueue?.checks ?? [] });
  const exit = await m.events.timed('resolve', () => m.resolve(prompt), (code) => `exit code ${code}`);
  await m.slot.trust();
  if (exit !== 0) return `the resolver exited with code ${exit}`;
  const done = await commitMerge(dir, paths, m.author, m.kept.neverCommit);
  return done.unresolved.length ? `the resolver left conflicts in ${done.unresolved.join(', ')}` : undefined;
}

import { ensureScratchResultsRepo, SlotWorkspace, type KeptPaths } from '@agentfleet/workspace';
import type { TaskContext } from '@agentfleet/store';
import type { Logger } from '@agentfleet/telemetry';

export interface Published {
  branch: string;
  commit: string;
  diff: { files: number; insertions: number; deletions: number };
}

/**
 * Where a task runs: a git worktree of the run's repository (GitWorkspace), or a scratch
 * directory for plans without one (ScratchWorkspace of @agentfleet/workspace).
 */
export interface TaskWorkspace {
  /** whether publish() pushes anything (then the attempt fences it first) */
  readonly publishes: boolean;
  /** `opts.base`: start there instead of the run's base (the merge queue: its branch's tip). */
  prepare(ctx: TaskContext, jobId: string, signal?: AbortSignal, opts?: { kept?: KeptPaths; base?: string }): Promise<{ dir: string; base: string | null }>;
  /** git workspaces: the slot's worktree (setup, host files, merges); none for a scratch directory */
  readonly slot?: SlotWorkspace;
  publish(ctx: TaskContext, base: string | null): Promise<Published | null>;
  changedSince(ms: number): Promise<boolean>;
  /** The task's changes so far as a unified diff (what a reviewer reads). */
  diff(): Promise<string>;
  release(): Promise<void>;
}

/** A persistent git worktree per slot (see @agentfleet/workspace). */
export class GitWorkspace implements TaskWorkspace {
  readonly publishes = true;
  readonly slot: SlotWorkspace;
  private current: { dir: string; base: string } | null = null;

  constructor(private readonly opts: { home: string; slot: string; author: string; logger?: Logger }) {
    this.slot = new SlotWorkspace(opts);
  }

  /** "Name <email>" of the run's host-side commits. */
  authorOf(ctx: TaskContext): string {
    return ctx.run.config.git?.author ?? this.opts.author;
  }

  async prepare(ctx: TaskContext, jobId: string, signal?: AbortSignal, opts: { kept?: KeptPaths; base?: string } = {}): Promise<{ dir: string; base: string }> {
    const repo = ctx.run.repo!;
    const prepared = await this.slot.prepare({
      runId: ctx.runId,
      taskId: ctx.taskId,
      jobId,
      title: ctx.spec.title,
      repoUrl: repo.url,
      pushUrl: await this.pushUrlOf(ctx),
      baseCommit: opts.base ?? ctx.run.baseCommit!,
      deps: opts.base ? [] : ctx.depResults,
      clean: ctx.run.clean,
      author: ctx.run.config.git?.author,
      signal,
      kept: opts.kept,
    });
    this.current = { dir: prepared.dir, base: prepared.base };
    return this.current;
  }

  async publish(ctx: TaskContext, base: string | null): Promise<Published> {
    return this.slot.publish({ runId: ctx.runId, taskId: ctx.taskId, title: ctx.spec.title, pushUrl: await this.pushUrlOf(ctx), base: base ?? ctx.run.baseCommit!, author: ctx.run.config.git?.author });
  }

  /** Where results go: the repository's push URL, or this host's scratch repository (eval runs without --push). */
  private async pushUrlOf(ctx: TaskContext): Promise<string> {
    const repo = ctx.run.repo!;
    return repo.pushScratch ? ensureScratchResultsRepo(this.opts.home, repo.url) : (repo.push ?? repo.url);
  }

  async changedSince(ms: number): Promise<boolean> {
    return Boolean(await this.slot.changedSince(ms));
  }

  async diff(): Promise<string> {
    return this.current ? this.slot.diff(this.current.base) : '';
  }

  async release(): Promise<void> {
    this.current = null;
    await this.slot.release();
  }
}

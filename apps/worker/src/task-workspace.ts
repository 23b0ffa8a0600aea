import { statSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { diffText, integrate, SlotWorkspace } from '@agentfleet/workspace';
import type { TaskContext } from '@agentfleet/store';
import type { Logger } from '@agentfleet/telemetry';

export interface Published {
  branch: string;
  commit: string;
  diff: { files: number; insertions: number; deletions: number };
}

/** Where a task runs: a git worktree of the run's repository, or a scratch dir for repo-less plans. */
export interface TaskWorkspace {
  prepare(ctx: TaskContext, jobId: string): Promise<{ dir: string; base: string | null }>;
  /** `--integrate BRANCH`: merge the run's leaf results into BRANCH (git workspaces only). */
  integrate?(ctx: TaskContext, branch: string, results: { taskId: string; commit: string }[]): Promise<{ merged: string[]; conflicts: { taskId: string; paths: string[] }[]; commit?: string }>;
  publish(ctx: TaskContext, base: string | null): Promise<Published | null>;
  changedSince(ms: number): Promise<boolean>;
  /** The task's changes so far as a unified diff (what a reviewer reads). */
  diff(): Promise<string>;
  release(): Promise<void>;
}

/** Repo-less plans (pure shell/noop) run in a per-slot scratch directory, emptied per task. */
export class ScratchWorkspace implements TaskWorkspace {
  /** The directory's mtime when we last left it empty: unchanged means still empty. */
  private emptyAt: number | null = null;

  constructor(private readonly dir: string) {}

  async prepare(): Promise<{ dir: string; base: null }> {
    // Creating or removing an entry changes the directory's mtime: one stat tells whether
    // the last task left anything (most leave nothing), without listing the directory.
    if (this.emptyAt === null || mtimeOf(this.dir) !== this.emptyAt) {
      const left = await readdir(this.dir).catch(() => null);
      if (left === null) await mkdir(this.dir, { recursive: true });
      else if (left.length) await Promise.all(left.map((n) => rm(join(this.dir, n), { recursive: true, force: true })));
      this.emptyAt = mtimeOf(this.dir);
    }
    return { dir: this.dir, base: null };
  }

  async publish(): Promise<null> {
    return null;
  }

  async changedSince(ms: number): Promise<boolean> {
    return newerThan(this.dir, ms, 2000);
  }

  async diff(): Promise<string> {
    return '';
  }

  async release(): Promise<void> {}
}

function mtimeOf(dir: string): number | null {
  try {
    return statSync(dir).mtimeMs;
  } catch {
    return null;
  }
}

async function newerThan(dir: string, ms: number, budget: number): Promise<boolean> {
  let seen = 0;
  const walk = async (d: string): Promise<boolean> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const e of entries) {
      if (++seen > budget) return false;
      const p = join(d, e.name);
      try {
        if ((await stat(p)).mtimeMs > ms) return true;
      } catch {
        continue;
      }
      if (e.isDirectory() && (await walk(p))) return true;
    }
    return false;
  };
  return walk(dir);
}

/** A persistent git worktree per slot (see @agentfleet/workspace). */
export class GitWorkspace implements TaskWorkspace {
  private readonly slot: SlotWorkspace;
  private current: { dir: string; base: string } | null = null;

  constructor(private readonly opts: { home: string; slot: string; author: string; logger?: Logger }) {
    this.slot = new SlotWorkspace(opts);
  }

  integrate(ctx: TaskContext, branch: string, results: { taskId: string; commit: string }[]) {
    const repo = ctx.run.repo!;
    return integrate({ home: this.opts.home, repoUrl: repo.url, pushUrl: repo.push ?? repo.url, branch, results, author: ctx.run.config.git?.author ?? this.opts.author, runId: ctx.runId, base: ctx.run.baseCommit ?? undefined, logger: this.opts.logger });
  }

  async prepare(ctx: TaskContext, jobId: string): Promise<{ dir: string; base: string }> {
    const repo = ctx.run.repo!;
    const prepared = await this.slot.prepare({
      runId: ctx.runId,
      taskId: ctx.taskId,
      jobId,
      title: ctx.spec.title,
      repoUrl: repo.url,
      pushUrl: repo.push ?? repo.url,
      baseCommit: ctx.run.baseCommit!,
      deps: ctx.spec.inherit === false ? [] : ctx.depResults,
      clean: ctx.run.clean,
      author: ctx.run.config.git?.author,
    });
    this.current = { dir: prepared.dir, base: prepared.base };
    return this.current;
  }

  async publish(ctx: TaskContext, base: string | null): Promise<Published> {
    const repo = ctx.run.repo!;
    return this.slot.publish({ runId: ctx.runId, taskId: ctx.taskId, title: ctx.spec.title, pushUrl: repo.push ?? repo.url, base: base ?? ctx.run.baseCommit!, author: ctx.run.config.git?.author });
  }

  async changedSince(ms: number): Promise<boolean> {
    return Boolean(await this.slot.changedSince(ms));
  }

  async diff(): Promise<string> {
    return this.current ? diffText(this.current.dir, this.current.base) : '';
  }

  async release(): Promise<void> {
    this.current = null;
    await this.slot.release();
  }
}

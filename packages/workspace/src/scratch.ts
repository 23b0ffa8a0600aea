import { statSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { changedSince } from './scan.js';
import { slotDir } from './paths.js';

/**
 * Where a task of a plan without a repository runs: a per-slot scratch directory, emptied
 * before each task. Nothing is published: such tasks (shell, noop) leave no branch.
 */
export class ScratchWorkspace {
  readonly dir: string;
  readonly publishes = false;
  /** The directory's mtime when we last left it empty: unchanged means still empty. */
  private emptyAt: number | null = null;

  constructor(opts: { home: string; slot: string }) {
    this.dir = join(slotDir(opts.home, opts.slot), 'scratch');
  }

  async prepare(): Promise<{ dir: string; base: null }> {
    // Creating or removing an entry changes the directory's mtime: one stat tells whether the
    // last task left anything (most leave nothing), without listing the directory.
    if (this.emptyAt === null || mtimeOf(this.dir) !== this.emptyAt) {
      const left = await readdir(this.dir).catch(() => null);
      if (left === null) await mkdir(this.dir, { recursive: true });
      else if (left.length) await Promise.all(left.map((n) => rm(join(this.dir, n), { recursive: true, force: true })));
      this.emptyAt = mtimeOf(this.dir);
    }
    return { dir: this.dir, base: null };
  }

  /** Nothing leaves a scratch directory. */
  publish(): Promise<null> {
    return Promise.resolve(null);
  }

  /** Stall detection: did anything in the directory change after `ms`? */
  changedSince(ms: number): Promise<boolean> {
    return changedSince(this.dir, ms);
  }

  diff(): Promise<string> {
    return Promise.resolve('');
  }

  release(): Promise<void> {
    return Promise.resolve();
  }
}

function mtimeOf(dir: string): number | null {
  try {
    return statSync(dir).mtimeMs;
  } catch {
    return null;
  }
}

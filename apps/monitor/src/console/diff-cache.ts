import { resultDiff, type ResultDiff } from '@agentfleet/workspace';
import type { FleetStore, TaskReport } from '@agentfleet/store';

/** Result diffs by commit (a commit's diff never changes), read through this machine's mirror. */
export class DiffCache {
  private readonly cache = new Map<string, ResultDiff>();

  constructor(
    private readonly store: FleetStore,
    /** the agentfleet home of the monitor (its mirrors) */
    private readonly home: string,
    private readonly max = 64,
  ) {}

  async of(runId: string, t: TaskReport): Promise<ResultDiff | { error: string } | null> {
    if (!t.branch || !t.commit) return null;
    const key = `${t.base ?? ''}..${t.commit}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    try {
      const [repo, run] = await Promise.all([this.store.read.repo(runId), this.store.read.get(runId)]);
      const base = t.base ?? run.baseCommit;
      if (!repo || !base) return null;
      const diff = await resultDiff({ home: this.home, repoUrl: repo.url, pushUrl: repo.push, branch: t.branch, base, commit: t.commit });
      this.cache.set(key, diff);
      while (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
      return diff;
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
}

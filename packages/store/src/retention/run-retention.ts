import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Keys } from '../keys.js';
import type { RunReader } from '../run-reader.js';
import type { TaskQueues } from '../task-queues.js';
import type { Transcripts } from '../transcripts.js';
import { TERMINAL_STATUSES, type RunReport, type RunStatus } from '../types.js';
import { writeArchive, type RunArchive } from './archive-file.js';
import type { ArchiveLocation, RunArchives } from './archive-index.js';
import { removeRun } from './run-removal.js';

export interface SweepOptions {
  /** finished runs that ended longer ago than this are archived, then removed */
  olderThanMs: number;
  /** where archives are written: <dir>/<run>.json.gz */
  archiveDir: string;
  /** the name the index gives as the archive's place (a host of fleet.yaml, or `local`) */
  host: string;
  dryRun?: boolean;
  /** retention.branches: deletes result branches on the user's remote (called after the archive is written) */
  deleteBranches?: (pushUrl: string, branches: string[]) => Promise<void>;
  now?: number;
  /** at most this many runs per sweep (a daemon sweeps again later) */
  limit?: number;
}

export interface SweepResult {
  archived: ArchiveLocation[];
  /** runs old enough that stay, and why (pinned, still going) */
  kept: { runId: string; reason: string }[];
  /** --dry-run: what would be archived */
  due: string[];
  errors: { runId: string; error: string }[];
}

const FINISHED: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

/**
 * Retention of finished runs: those older than the limit are archived (report and transcripts,
 * compressed, written and read back) and only then removed from Redis with their BullMQ jobs.
 * A run still going is never touched; a pinned run (an unfinished eval refers to it) is kept.
 */
export class RunRetention {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly queues: TaskQueues,
    private readonly read: RunReader,
    private readonly transcripts: Transcripts,
    private readonly archives: RunArchives,
  ) {}

  /** Finished runs whose end is older than the limit, oldest first, and the ones kept. */
  async due(olderThanMs: number, now = Date.now()): Promise<{ due: string[]; kept: SweepResult['kept'] }> {
    const pinned = await this.archives.pinned();
    const active = new Set(await this.redis.smembers(this.keys.activeRuns()));
    // a run ends after it was created: only runs created before the limit can be due
    const candidates = await this.redis.zrangebyscore(this.keys.runs(), '-inf', now - olderThanMs);
    const pipe = this.redis.pipeline();
    for (const id of candidates) pipe.hmget(this.keys.run(id), 'status', 'finishedAt');
    const rows = ((await pipe.exec()) ?? []).map((r) => r[1] as (string | null)[]);
    const due: string[] = [];
    const kept: SweepResult['kept'] = [];
    candidates.forEach((id, i) => {
      const [status, finishedAt] = rows[i] ?? [];
      if (!FINISHED.includes(status as RunStatus) || active.has(id) || !finishedAt) {
        if (status) kept.push({ runId: id, reason: `still ${status}` });
        return;
      }
      if (Number(finishedAt) > now - olderThanMs) return;
      if (pinned[id] !== undefined) kept.push({ runId: id, reason: `pinned by ${pinned[id] || 'an eval'}` });
      else due.push(id);
    });
    return { due, kept };
  }

  async sweep(opts: SweepOptions): Promise<SweepResult> {
    const { due, kept } = await this.due(opts.olderThanMs, opts.now);
    const result: SweepResult = { archived: [], kept, due: [], errors: [] };
    for (const runId of due.slice(0, opts.limit ?? Infinity)) {
      if (opts.dryRun) {
        result.due.push(runId);
        continue;
      }
      try {
        result.archived.push(await this.archiveOne(runId, opts));
      } catch (e) {
        result.errors.push({ runId, error: (e as Error).message });
      }
    }
    return result;
  }

  /** Archive, check, index, then remove: nothing goes that was not archived first. */
  private async archiveOne(runId: string, opts: SweepOptions): Promise<ArchiveLocation> {
    const report = await this.read.report(runId);
    const doc: RunArchive = { format: 1, archivedAt: new Date().toISOString(), host: opts.host, report, transcripts: await this.transcripts.ofRun(runId) };
    const path = join(opts.archiveDir, `${runId}.json.gz`);
    const bytes = await writeArchive(path, doc);
    const loc: ArchiveLocation = {
      runId, host: opts.host, machine: hostname(), path, bytes, archivedAt: doc.archivedAt,
      name: report.run.name, status: report.run.status, createdAt: report.run.createdAt, finishedAt: report.run.finishedAt, tasks: report.tasks.length,
    };
    await this.archives.record(loc);
    const pushUrl = opts.deleteBranches ? await this.read.pushUrl(runId) : null;
    if (pushUrl) await opts.deleteBranches!(pushUrl, resultBranches(report));
    // `fleet retry` may have re-opened it meanwhile: then it stays (the archive is only a copy)
    const [status] = await this.redis.hmget(this.keys.run(runId), 'status');
    if (!TERMINAL_STATUSES.includes(status as never) || (await this.redis.sismember(this.keys.activeRuns(), runId))) {
      await this.redis.hdel(this.keys.archives(), runId);
      throw new Error(`run ${runId} was re-opened while it was archived; it stays in Redis`);
    }
    await removeRun(this.redis, this.keys, this.queues, runId);
    return loc;
  }
}

/** The result branches a run pushed. */
export function resultBranches(report: RunReport): string[] {
  return report.tasks.flatMap((t) => (t.branch && t.commit ? [t.branch] : []));
}

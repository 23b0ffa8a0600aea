import type { Redis } from 'ioredis';
import type { Keys } from '../keys.js';
import type { RunStatus } from '../types.js';

/** Where an archived run is: the small index entry kept in Redis once the run itself is gone. */
export interface ArchiveLocation {
  runId: string;
  /** host name of the daemon that wrote it (`local`: the machine of the CLI or local fleet) */
  host: string;
  /** the machine's own name, for messages */
  machine: string;
  path: string;
  bytes: number;
  archivedAt: string;
  name: string;
  status: RunStatus;
  createdAt: string;
  finishedAt: string | null;
  tasks: number;
}

/** The index of archived runs, and the runs retention must keep (pins). */
export class RunArchives {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async record(loc: ArchiveLocation): Promise<void> {
    await this.redis.hset(this.keys.archives(), loc.runId, JSON.stringify(loc));
  }

  async get(runId: string): Promise<ArchiveLocation | null> {
    const text = await this.redis.hget(this.keys.archives(), runId);
    return text ? (JSON.parse(text) as ArchiveLocation) : null;
  }

  /** Archived runs, newest first. */
  async list(): Promise<ArchiveLocation[]> {
    const all = Object.values(await this.redis.hgetall(this.keys.archives())).map((t) => JSON.parse(t) as ArchiveLocation);
    return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Keeps a run from retention (an unfinished eval refers to it); `by` says who, for `fleet prune`. */
  async pin(runId: string, by: string): Promise<void> {
    await this.redis.hset(this.keys.pinnedRuns(), runId, by);
  }

  async unpin(runId: string): Promise<void> {
    await this.redis.hdel(this.keys.pinnedRuns(), runId);
  }

  /** Pinned runs and who pinned them. */
  pinned(): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.pinnedRuns());
  }
}

import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import { parkScript, wakeScript, type ParkArgs, type ScriptRunner, type TaskWait } from './scripts/index.js';
import type { TaskQueues } from './task-queues.js';
import type { TaskStatus } from './types.js';

/** A task that waits, as `fleet status`, `fleet top` and the reconciler see it. */
export interface WaitingTask {
  runId: string;
  taskId: string;
  status: TaskStatus;
  kind: string;
  reason: string;
  /** epoch ms it is due by itself; null: only a command wakes it */
  until: number | null;
  since: number | null;
}

/**
 * Tasks that wait holding no slot and no job (DESIGN.md, "Waiting without a slot"): an
 * attempt parks its task; the reconciler wakes what is due, a command wakes the rest. All of
 * it lives in Redis (one sorted set of the fleet's waits), so it survives every restart.
 */
export class TaskWaits {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptRunner,
    private readonly queues: TaskQueues,
  ) {}

  /** The attempt's task waits now (parked or awaiting approval); false when the attempt had lost it. */
  park(args: ParkArgs): Promise<boolean> {
    return this.scripts.run(parkScript, args);
  }

  /** A parked task goes on (queued again with a new job); false when it was not parked. */
  async wake(runId: string, taskId: string, kind?: string): Promise<boolean> {
    const job = await this.scripts.run(wakeScript, { runId, taskId, kind });
    if (job) await this.queues.add([job]);
    return job !== null;
  }

  /** Waits due by `now` (their time has come), oldest first. */
  async due(now: number, limit = 500): Promise<WaitingTask[]> {
    const members = await this.redis.zrangebyscore(this.keys.waits(), '-inf', now, 'LIMIT', 0, limit);
    return this.describe(members);
  }

  /** Every waiting task of a run (or of the fleet), soonest due first. */
  async list(runId?: string): Promise<WaitingTask[]> {
    const members = await this.redis.zrange(this.keys.waits(), 0, -1);
    return this.describe(runId ? members.filter((m) => m.startsWith(`${runId}|`)) : members);
  }

  /** Wakes the parked tasks whose time has come; returns the other due waits (approval timeouts) for their owners. */
  async wakeDue(now = Date.now()): Promise<{ woken: WaitingTask[]; others: WaitingTask[] }> {
    const woken: WaitingTask[] = [];
    const others: WaitingTask[] = [];
    for (const w of await this.due(now)) {
      if (w.status !== 'parked') others.push(w);
      else if (await this.wake(w.runId, w.taskId)) woken.push(w);
    }
    return { woken, others };
  }

  private async describe(members: string[]): Promise<WaitingTask[]> {
    const pipe = this.redis.pipeline();
    const ids = members.map((m) => {
      const [runId = '', taskId = ''] = m.split('|');
      pipe.hmget(this.keys.task(runId, taskId), 'status', 'waitKind', 'waitReason', 'waitUntil', 'waitingSince');
      return { runId, taskId, member: m };
    });
    const rows = ((await pipe.exec()) ?? []).map((r) => r[1] as (string | null)[]);
    const out: WaitingTask[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const [status, kind, reason, until, since] = rows[i] ?? [];
      // a member whose task no longer waits (its run was removed): dropped
      if (status !== 'parked' && status !== 'awaiting_approval') return void gone.push(id.member);
      out.push({ runId: id.runId, taskId: id.taskId, status, kind: kind ?? '', reason: reason ?? '', until: until ? Number(until) : null, since: since ? Number(since) : null });
    });
    if (gone.length) await this.redis.zrem(this.keys.waits(), ...gone);
    return out;
  }
}

export type { TaskWait };

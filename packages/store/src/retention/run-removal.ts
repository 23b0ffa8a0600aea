import type { Redis } from 'ioredis';
import { jobIdOf } from '@agentfleet/core';
import type { Keys } from '../keys.js';
import type { TaskQueues } from '../task-queues.js';

/**
 * Removes a run from Redis: its BullMQ jobs (every job id a task had: `<run>.<task>[.<seq>]`),
 * every key under the run (tasks, counts, transcripts...), and its entries in the fleet's
 * lists. Only for runs that are archived and finished (retention.ts checks both).
 */
export async function removeRun(redis: Redis, keys: Keys, queues: TaskQueues, runId: string): Promise<number> {
  const ids = await redis.lrange(keys.runTasks(runId), 0, -1);
  for (let i = 0; i < ids.length; i += 500) {
    const pipe = redis.pipeline();
    for (const id of ids.slice(i, i + 500)) pipe.hmget(keys.task(runId, id), 'queue', 'jobSeq');
    const rows = ((await pipe.exec()) ?? []).map((r) => r[1] as (string | null)[]);
    const removals: Promise<boolean>[] = [];
    rows.forEach(([queue, seq], j) => {
      if (!queue) return;
      for (let s = 0; s <= Number(seq ?? 0); s++) removals.push(queues.remove(queue, jobIdOf(runId, ids[i + j]!, s)));
    });
    await Promise.all(removals);
  }
  let removed = 0;
  const doomed = [keys.run(runId)];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${keys.run(runId)}:*`, 'COUNT', 1000);
    cursor = next;
    doomed.push(...found);
    while (doomed.length >= 500) removed += await redis.unlink(...doomed.splice(0, 500));
  } while (cursor !== '0');
  if (doomed.length) removed += await redis.unlink(...doomed);
  const waits = (await redis.zrange(keys.waits(), 0, -1)).filter((m) => m.startsWith(`${runId}|`));
  await redis.multi().zrem(keys.runs(), runId).srem(keys.activeRuns(), runId).zrem(keys.waits(), ...(waits.length ? waits : ['-'])).exec();
  return removed;
}

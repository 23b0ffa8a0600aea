// The merge queue's place in a run's schedule: a finally node every task releases, and what
// `fleet retry` re-opens with it. (Its Lua side runs end to end in test/merge-queue-e2e.)
import { describe, expect, it } from 'vitest';
import { mergeQueueTask, MERGE_QUEUE_TASK_ID } from '@agentfleet/core';
import { plan, task } from '@agentfleet/testkit';
import { buildSchedule } from '../src/schedule.js';
import { withMergeQueueAgain } from '../src/merge-queue-retry.js';

const tasks = [task('a'), task('b', ['a']), task('c', ['a']), task('d', ['b', 'c'])];
const queue = mergeQueueTask(plan(tasks), 'int');

describe('the merge queue in the schedule', () => {
  for (const schedule of ['deps', 'levels'] as const) {
    it(`${schedule}: waits for every task (pending = their count), each of them releases it, it is last in the order`, () => {
      const s = buildSchedule(tasks, schedule, queue);
      const node = s.nodes.find((n) => n.id === MERGE_QUEUE_TASK_ID)!;
      expect(node).toMatchObject({ finally: true, pending: 4, next: [], dependents: [] });
      for (const n of s.nodes.filter((x) => !x.barrier && x.id !== MERGE_QUEUE_TASK_ID)) expect(n.next).toContain(MERGE_QUEUE_TASK_ID);
      for (const n of s.nodes.filter((x) => x.barrier)) expect(n.next).not.toContain(MERGE_QUEUE_TASK_ID);
      expect(s.order.at(-1)).toBe(MERGE_QUEUE_TASK_ID);
      expect(s.order).toHaveLength(5);
    });
  }

  it('without one, the schedule is as before', () => {
    expect(buildSchedule(tasks, 'deps').nodes.map((n) => n.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('fleet retry with a merge queue', () => {
  const items = [{ id: 'b', pending: 0, next: ['d'] }, { id: 'd', pending: 1, next: [] }];

  it('re-opens a succeeded queue after whatever re-runs: each re-opened task releases it', () => {
    expect(withMergeQueueAgain(items, (id) => (id === MERGE_QUEUE_TASK_ID ? 'succeeded' : 'failed'))).toEqual([
      { id: 'b', pending: 0, next: ['d', MERGE_QUEUE_TASK_ID] },
      { id: 'd', pending: 1, next: [MERGE_QUEUE_TASK_ID] },
      { id: MERGE_QUEUE_TASK_ID, pending: 2, next: [], again: true },
    ]);
  });

  it('a failed queue alone re-runs at once; a run without a queue or a queue still to come is left as it is', () => {
    expect(withMergeQueueAgain([{ id: MERGE_QUEUE_TASK_ID, pending: 0, next: [] }], () => 'failed')).toEqual([{ id: MERGE_QUEUE_TASK_ID, pending: 0, next: [], again: false }]);
    expect(withMergeQueueAgain(items, (id) => (id === MERGE_QUEUE_TASK_ID ? undefined : 'failed'))).toBe(items);
    expect(withMergeQueueAgain(items, (id) => (id === MERGE_QUEUE_TASK_ID ? 'blocked' : 'failed'))).toBe(items);
  });
});

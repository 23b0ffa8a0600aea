import { MERGE_QUEUE_TASK_ID } from '@agentfleet/core';
import type { TaskStatus } from './types.js';

export interface RetryItem {
  id: string;
  pending: number;
  next: string[];
  /** re-open it from succeeded or cancelled too (the merge queue) */
  again?: boolean;
}

/**
 * `fleet retry` of a run with a merge queue: whatever re-runs, the merge queue runs again after
 * it (it waits for every re-opened task, and they all release it), so the branch gets the new
 * results. Returns the items with the merge queue's added or fixed up.
 */
export function withMergeQueueAgain(items: RetryItem[], statusOf: (id: string) => TaskStatus | undefined): RetryItem[] {
  const status = statusOf(MERGE_QUEUE_TASK_ID);
  if (!status) return items;
  const others = items.filter((i) => i.id !== MERGE_QUEUE_TASK_ID);
  if (status !== 'succeeded' && status !== 'failed' && status !== 'skipped' && status !== 'cancelled') return items;
  const queue: RetryItem = { id: MERGE_QUEUE_TASK_ID, pending: others.length, next: [], again: status === 'succeeded' || status === 'cancelled' };
  return [...others.map((i) => ({ ...i, next: [...i.next, MERGE_QUEUE_TASK_ID] })), queue];
}

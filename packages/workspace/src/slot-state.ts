import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a slot's worktree holds, persisted so the next process using the slot knows:
 * - preparing: being switched (a crash leaves locks or merge state to clear);
 * - ready: a task is (or was) working in it: leftovers are work to salvage;
 * - published: everything was committed and pushed;
 * - idle: clean, nothing of value in it.
 */
export type SlotPhase = 'preparing' | 'ready' | 'published' | 'idle';

export interface SlotState {
  phase: SlotPhase;
  repoUrl?: string;
  runId?: string;
  taskId?: string;
  jobId?: string;
  /** The commit the task started from (base with dependency results merged). */
  base?: string;
  head?: string;
  /**
   * The result branch's tip when this attempt started ('' = absent): its push is leased on
   * it, so an attempt that was taken over (cut off, stalled) can never overwrite the branch
   * of the attempt that replaced it.
   */
  leaseTip?: string;
  at: string;
}

export const stateFile = (slotPath: string) => join(slotPath, 'state.json');

export function readState(slotPath: string): SlotState | undefined {
  try {
    const s = JSON.parse(readFileSync(stateFile(slotPath), 'utf8')) as SlotState;
    return typeof s.phase === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(slotPath: string, state: Omit<SlotState, 'at'>): SlotState {
  const full: SlotState = { ...state, at: new Date().toISOString() };
  const tmp = `${stateFile(slotPath)}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(full));
  renameSync(tmp, stateFile(slotPath));
  return full;
}

import type { ReadyTask } from '../types.js';
import { parseReady } from './replies.js';
import type { ScriptDef } from './script-runner.js';

export interface RetryArgs {
  runId: string;
  /** per re-opened task: how many of its dependencies re-run too, and which re-opened tasks it releases */
  items: { id: string; pending: number; next: string[]; again?: boolean }[];
}

/** retry-9.lua: re-opens failed and skipped tasks; returns those queued at once. */
export const retryScript: ScriptDef<RetryArgs, ReadyTask[]> = {
  file: 'retry-9.lua',
  argv: (a) => [JSON.stringify(a.items)],
  parse: (reply, a) => parseReady(a.runId, (reply as string[]).slice(1)),
};

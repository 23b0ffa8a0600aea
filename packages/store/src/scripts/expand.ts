import type { AttemptOwner } from '../types.js';
import { ScriptReply } from './replies.js';
import type { ScriptDef } from './script-runner.js';

/** The fragment as expand-9.lua takes it (built by task-expansions.ts). */
export interface FragmentRecords {
  tasks: { id: string; fields: (string | number)[] }[];
  roots: string[];
  anyRoots: string[];
  sinks: string[];
  dependents: string[];
  anyDependents: string[];
  external: string[];
  flow: boolean;
  maxTotal: number;
  /** the run's merge queue: it waits for the fragment's tasks too */
  finallyId?: string;
}

export interface ExpandArgs {
  runId: string;
  taskId: string;
  owner: AttemptOwner;
  fragment: FragmentRecords;
}

export type ExpandOutcome = { added: number } | { added: 0; refused: string } | { added: 0; stale: true } | { added: 0; duplicate: true };

/** expand-9.lua: the fragment's tasks join the run, between the task and its dependents. */
export const expandScript: ScriptDef<ExpandArgs, ExpandOutcome> = {
  file: 'expand-9.lua',
  argv: (a) => [a.taskId, a.owner.worker, a.owner.attempt, JSON.stringify(a.fragment)],
  parse(reply) {
    const [code, value] = reply as [string, string | number | undefined];
    if (code === ScriptReply.Ok) return { added: Number(value) };
    if (code === ScriptReply.Refused) return { added: 0, refused: String(value) };
    if (code === ScriptReply.Duplicate) return { added: 0, duplicate: true };
    return { added: 0, stale: true };
  },
};

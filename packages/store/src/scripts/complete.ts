import type { AttemptHistoryEntry, AttemptOwner, AttemptSpend, CompleteOutcome, RunStatus, TaskError, TaskResult } from '../types.js';
import { parseReady, ScriptReply, spendArg } from './replies.js';
import type { ScriptDef } from './script-runner.js';
import { transcriptBatchArgv, transcriptKeys, type TranscriptBatch } from './append-transcript.js';

export interface CompleteArgs {
  runId: string;
  taskId: string;
  outcome: 'succeeded' | 'failed';
  result: TaskResult;
  /** failed only */
  error?: TaskError;
  /** the attempt's fence; absent when the reconciler speaks for a lost job */
  owner?: AttemptOwner;
  spend?: AttemptSpend;
  history?: AttemptHistoryEntry;
  /** the attempt transcript's last entries: written with the task's end (only when it is this attempt's to end) */
  transcript?: TranscriptBatch;
}

/** complete-9.lua: the task ends, the DAG advances. */
export const completeScript: ScriptDef<CompleteArgs, CompleteOutcome> = {
  file: 'complete-9.lua',
  argv(a, keys) {
    const figures: Record<string, number> = a.result.durationMs !== undefined ? { durationSec: a.result.durationMs / 1000 } : {};
    return [
      a.taskId,
      a.outcome,
      JSON.stringify(resultFields(a)),
      spendArg(a.spend, figures),
      a.error?.kind ?? '',
      a.error?.message ?? '',
      a.owner?.worker ?? '',
      a.owner?.attempt ?? '',
      a.history ? JSON.stringify(a.history) : '',
      ...(a.transcript ? [...transcriptKeys(keys, a.transcript.ref), ...transcriptBatchArgv(a.transcript)] : ['']),
    ];
  },
  parse(reply, a) {
    const res = reply as string[];
    return {
      duplicate: res[0] === ScriptReply.Duplicate,
      stale: res[0] === ScriptReply.Stale,
      runFinished: (res[1] || null) as RunStatus | null,
      failFast: res[2] === '1',
      ready: parseReady(a.runId, res.slice(3)),
    };
  },
};

/** The task hash fields an ending attempt writes: what it found, and who served its model. */
export function resultFields(a: Pick<CompleteArgs, 'result' | 'spend'>): (string | number)[] {
  const fields: (string | number)[] = [];
  const put = (k: string, v: unknown) => {
    if (v === undefined || v === null) return;
    fields.push(k, typeof v === 'string' || typeof v === 'number' ? v : JSON.stringify(v));
  };
  const r = a.result;
  put('base', r.base);
  put('branch', r.branch);
  put('commit', r.commit);
  put('diff', r.diff);
  put('outputTail', r.outputTail);
  put('summary', r.summary);
  put('review', r.review);
  put('durationMs', r.durationMs);
  put('outputs', r.outputs);
  put('provider', a.spend?.provider);
  put('model', a.spend?.model);
  return fields;
}

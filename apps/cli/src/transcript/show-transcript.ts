import { setTimeout as sleep } from 'node:timers/promises';
import { InputError, type TranscriptEntry } from '@agentfleet/core';
import { TERMINAL_STATUSES, type FleetStore, type TranscriptRef } from '@agentfleet/store';
import { formatEntry, formatTranscript, isAttemptEnd } from './format.js';

export interface TranscriptOptions {
  attempt?: number;
  follow?: boolean;
  json?: boolean;
  full?: boolean;
  signal: AbortSignal;
  out?: (text: string) => void;
}

/** After the task ended, how long a follower waits for the attempt's closing entry (a worker that died writes none). */
const ORPHAN_GRACE_MS = 5_000;

/**
 * `fleet logs RUN TASK`: the attempt's transcript from Redis, printed readably (or as JSONL
 * with --json); with --follow it goes on printing as the agent works and returns when the
 * attempt ends. Without --attempt: the latest attempt (with --follow, the first one to start).
 */
export async function showTranscript(store: FleetStore, runId: string, taskId: string, opts: TranscriptOptions): Promise<void> {
  const write = opts.out ?? ((t: string) => void process.stdout.write(t));
  const state = await store.read.taskState(runId, taskId);
  if (!state) throw new InputError(`run ${runId} has no task '${taskId}'`);
  const attempt = opts.attempt ?? (await latestAttempt(store, runId, taskId, opts));
  if (attempt === undefined) {
    write(`${taskId} has no transcript yet (it is ${state.status})\n`);
    return;
  }
  const ref = { runId, taskId, attempt };
  const print = (entries: readonly TranscriptEntry[], whole: boolean) => {
    if (!entries.length) return;
    const lines = opts.json ? entries.map((e) => JSON.stringify(e)) : whole ? formatTranscript(entries, { full: opts.full }) : entries.flatMap(formatEntry);
    write(`${lines.join('\n')}\n`);
  };
  const first = await store.transcripts.read(ref);
  if (!opts.follow) {
    if (!first.length) throw new InputError(`${taskId} has no transcript for attempt ${attempt} (attempts with one: ${(await store.transcripts.attempts(runId, taskId)).join(', ') || 'none'})`);
    return print(first.map((s) => s.entry), true);
  }
  print(first.map((s) => s.entry), false);
  if (first.some((s) => isAttemptEnd(s.entry))) return;
  await follow(store, ref, first.at(-1)?.id ?? '0', opts.signal, (entries) => print(entries, false));
}

/** The latest attempt with a transcript; following, wait for the first one when none has begun. */
async function latestAttempt(store: FleetStore, runId: string, taskId: string, opts: TranscriptOptions): Promise<number | undefined> {
  for (;;) {
    const have = await store.transcripts.attempts(runId, taskId);
    if (have.length) return have.at(-1)!;
    if (!opts.follow || opts.signal.aborted) return undefined;
    const state = await store.read.taskState(runId, taskId);
    if (!state || TERMINAL_STATUSES.includes(state.status)) return undefined;
    await sleep(250, undefined, { signal: opts.signal }).catch(() => undefined);
  }
}

async function follow(store: FleetStore, ref: TranscriptRef, after: string, signal: AbortSignal, print: (e: TranscriptEntry[]) => void): Promise<void> {
  let last = after;
  let quietSince: number | null = null;
  while (!signal.aborted) {
    const got = (await store.transcripts.follow([{ ref, after: last }], 1000)).get(store.transcripts.key(ref)) ?? [];
    if (got.length) {
      last = got.at(-1)!.id;
      quietSince = null;
      print(got.map((g) => g.entry));
      if (got.some((g) => isAttemptEnd(g.entry))) return;
      continue;
    }
    // the attempt ended without its closing entry (its worker died): stop once the task moved on
    const state = await store.read.taskState(ref.runId, ref.taskId);
    const movedOn = !state || state.attempts !== ref.attempt || state.status !== 'running';
    if (!movedOn) quietSince = null;
    else if (quietSince === null) quietSince = Date.now();
    else if (Date.now() - quietSince > ORPHAN_GRACE_MS) return;
  }
}

import type { Keys } from '../keys.js';
import type { KeyedScriptDef } from './keyed-scripts.js';

/** A safety belt behind the writer's own caps: Redis trims (roughly) past this many entries. */
export const TRANSCRIPT_HARD_MAX_ENTRIES = 20_000;

/** Which attempt of which task: a transcript's address. */
export interface TranscriptRef {
  runId: string;
  taskId: string;
  attempt: number;
}

/** A batch of an attempt's transcript; `expireMs`: it ends the attempt, both keys expire that long after. */
export interface TranscriptBatch {
  ref: TranscriptRef;
  /** the entries, each already JSON */
  texts: readonly string[];
  expireMs?: number;
}

/** The ARGV of includes/append-transcript.lua after its keys: member, hard cap, expiry, entries. */
export function transcriptBatchArgv(b: TranscriptBatch): (string | number)[] {
  return [`${b.ref.taskId}:${b.ref.attempt}`, TRANSCRIPT_HARD_MAX_ENTRIES, b.expireMs ?? '', ...b.texts];
}

/** The stream and the run's index a batch goes to. */
export function transcriptKeys(keys: Keys, ref: TranscriptRef): [string, string] {
  return [keys.transcript(ref.runId, ref.taskId, ref.attempt), keys.runTranscripts(ref.runId)];
}

/** append-transcript-2.lua: one batch of an attempt's transcript, as one stream entry. */
export const appendTranscriptScript: KeyedScriptDef<TranscriptBatch, string | null> = {
  file: 'append-transcript-2.lua',
  keys: (k, b) => transcriptKeys(k, b.ref),
  argv: transcriptBatchArgv,
  parse: (reply) => (typeof reply === 'string' ? reply : null),
};

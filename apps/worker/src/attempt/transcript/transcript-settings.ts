import { join } from 'node:path';

/** How a host keeps transcripts (settings.ts reads them from the daemon's environment). */
export interface TranscriptSettings {
  /** AGENTFLEET_TRANSCRIPTS=0 turns recording off (benchmarks compare the two). */
  enabled: boolean;
  /** where the JSONL copies live: <home>/transcripts/<run>/<task>.<attempt>.jsonl */
  dir: string;
  /** caps of the Redis copy of one attempt (the JSONL keeps everything) */
  maxEntries: number;
  maxBytes: number;
  /** a longer text is cut in the Redis copy */
  maxEntryBytes: number;
  /** the Redis copy expires this long after its attempt ended */
  ttlMs: number;
  /** output is gathered this long before it is written (latency of a live follow) */
  flushMs: number;
  /** the janitor removes a run's JSONL copies this long after they were last written (retention.transcripts) */
  keepOnHostMs: number;
}

const DAY = 86_400_000;
const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);

/** The retention of finished runs in Redis (retention.runs; fleet up passes it), default 30 days. */
export function retentionRunsMs(env: NodeJS.ProcessEnv): number {
  return num(env.AGENTFLEET_RETENTION_RUNS_MS, 30 * DAY);
}

export function transcriptSettings(env: NodeJS.ProcessEnv, home: string): TranscriptSettings {
  return {
    enabled: env.AGENTFLEET_TRANSCRIPTS !== '0' && env.AGENTFLEET_TRANSCRIPTS !== 'off',
    dir: join(home, 'transcripts'),
    maxEntries: num(env.AGENTFLEET_TRANSCRIPT_MAX_ENTRIES, 5000),
    maxBytes: num(env.AGENTFLEET_TRANSCRIPT_MAX_BYTES, 2 * 1024 * 1024),
    maxEntryBytes: num(env.AGENTFLEET_TRANSCRIPT_MAX_ENTRY_BYTES, 16 * 1024),
    // kept until retention archives the run, plus a week for a run that outlives its attempts
    ttlMs: num(env.AGENTFLEET_TRANSCRIPT_TTL_MS, retentionRunsMs(env) + 7 * DAY),
    flushMs: num(env.AGENTFLEET_TRANSCRIPT_FLUSH_MS, 100),
    keepOnHostMs: num(env.AGENTFLEET_RETENTION_TRANSCRIPTS_MS, 14 * DAY),
  };
}

import { join } from 'node:path';
import { DAEMON_ENV } from '@agentfleet/host-contract';

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
  return num(env[DAEMON_ENV.retentionRunsMs], 30 * DAY);
}

export function transcriptSettings(env: NodeJS.ProcessEnv, home: string): TranscriptSettings {
  return {
    enabled: env[DAEMON_ENV.transcripts] !== '0' && env[DAEMON_ENV.transcripts] !== 'off',
    dir: join(home, 'transcripts'),
    maxEntries: num(env[DAEMON_ENV.transcriptMaxEntries], 5000),
    maxBytes: num(env[DAEMON_ENV.transcriptMaxBytes], 2 * 1024 * 1024),
    maxEntryBytes: num(env[DAEMON_ENV.transcriptMaxEntryBytes], 16 * 1024),
    // kept until retention archives the run, plus a week for a run that outlives its attempts
    ttlMs: num(env[DAEMON_ENV.transcriptTtlMs], retentionRunsMs(env) + 7 * DAY),
    flushMs: num(env[DAEMON_ENV.transcriptFlushMs], 100),
    keepOnHostMs: num(env[DAEMON_ENV.retentionTranscriptsMs], 14 * DAY),
  };
}

import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { HOST_NAME_PATTERN, InputError, PROTOCOL_VERSION } from '@agentfleet/core';
import { transcriptSettings, type TranscriptSettings } from './attempt/transcript/transcript-settings.js';
import { retentionSettings, type RetentionSettings } from './retention/retention-sweep.js';

/** Everything a daemon or worker process reads from its environment (set by the launcher). */
export interface WorkerSettings {
  redisUrl: string;
  prefix: string;
  host: string;
  home: string;
  labels: string[];
  /** BullMQ lock duration and stalled-check interval (short in tests, to recover fast). */
  lockMs: number;
  stalledMs: number;
  heartbeatMs: number;
  heartbeatTtlMs: number;
  /** Below this many free bytes in the home directory the host takes no new task. */
  minDiskFree: number;
  /** Names of environment variables that hold secrets (redacted from logs). */
  secretNames: string[];
  version: string;
  /** The protocol this daemon speaks (AGENTFLEET_PROTOCOL lowers it, to test version skew). */
  protocol: number;
  /** Worker processes: their slot number (set by the supervisor). */
  slot: number;
  /** "Name <email>" for host-side commits when a run names none. */
  gitAuthor: string;
  /** How long a draining worker waits for its task before aborting it. */
  closeGraceMs: number;
  /** How attempts' transcripts are kept (AGENTFLEET_TRANSCRIPT*). */
  transcripts: TranscriptSettings;
  /** Finished runs' retention (AGENTFLEET_RETENTION_*, from fleet.yaml's retention). */
  retention: RetentionSettings;
}

const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);

export function readSettings(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const redisUrl = env.REDIS_URL;
  if (!redisUrl) throw new InputError('REDIS_URL is not set for the host daemon');
  const host = env.AGENTFLEET_HOST ?? hostname().split('.')[0] ?? 'local';
  if (!HOST_NAME_PATTERN.test(host)) throw new InputError(`invalid host name '${host}'`);
  const home = env.AGENTFLEET_HOME ?? join(homedir(), '.agentfleet');
  return {
    redisUrl,
    prefix: env.AGENTFLEET_PREFIX ?? 'af',
    host,
    home,
    labels: (env.AGENTFLEET_LABELS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    lockMs: num(env.AGENTFLEET_LOCK_MS, 30_000),
    stalledMs: num(env.AGENTFLEET_STALLED_MS, 15_000),
    heartbeatMs: num(env.AGENTFLEET_HEARTBEAT_MS, 2_000),
    heartbeatTtlMs: num(env.AGENTFLEET_HEARTBEAT_TTL_MS, 15_000),
    minDiskFree: num(env.AGENTFLEET_MIN_DISK_FREE, 1024 ** 3),
    secretNames: (env.AGENTFLEET_SECRET_NAMES ?? '').split(',').filter(Boolean),
    version: env.AGENTFLEET_VERSION ?? '0.1.0',
    protocol: Math.min(PROTOCOL_VERSION, num(env.AGENTFLEET_PROTOCOL, PROTOCOL_VERSION)),
    slot: num(env.AGENTFLEET_SLOT, 0),
    gitAuthor: env.AGENTFLEET_GIT_AUTHOR ?? 'agentfleet <fleet@localhost>',
    closeGraceMs: num(env.AGENTFLEET_CLOSE_GRACE_MS, 6 * 3600_000),
    transcripts: transcriptSettings(env, home),
    retention: retentionSettings(env, home),
  };
}

export function slotName(host: string, slot: number): string {
  return `${host}-${slot}`;
}

/** Agents get the daemon's environment minus the fleet's own control variables. */
export function agentEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of Object.keys(out)) if (k.startsWith('AGENTFLEET_') || k === 'REDIS_URL') delete out[k];
  return out;
}

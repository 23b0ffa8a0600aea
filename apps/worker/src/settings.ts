// The only reader of the daemon's (and its workers') environment: the variables the launcher
// and the supervisor set, named in the host contract, turned into typed settings once.
import { availableParallelism, hostname, totalmem } from 'node:os';
import { defaultSlots, HOST_NAME_PATTERN, InputError, PROTOCOL_VERSION, type HostFile, type HostSandboxMode, type NotifySpec, type SandboxMode } from '@agentfleet/core';
import { DAEMON_ENV, defaultHome } from '@agentfleet/host-contract';
import { allowlistedEnv } from './attempt/env-allowlist.js';
import { parseHostFilesEnv } from './attempt/host-files.js';
import { transcriptSettings, type TranscriptSettings } from './attempt/transcript/transcript-settings.js';
import { retentionSettings, type RetentionSettings } from './retention/retention-sweep.js';
import { readNotifySettings } from './notify/notify-settings.js';

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
  /** The daemon: worker slots until `fleet scale` says otherwise. */
  defaultSlots: number;
  /** The daemon: how often the reconciler runs. */
  reconcileMs: number;
  /** The daemon: how long a stop waits for running tasks before killing the workers. */
  stopGraceMs: number;
  /** The daemon: the worker script to fork (default: worker-process.js next to hostd.js). */
  workerScript: string | null;
  /** The daemon: the pid of the draining daemon this one takes over from (fleet up --restart). */
  replaces: number | null;
  /** hosts[].files / local.files: copied into every workspace (paths only) */
  files: HostFile[];
  /** hosts[].sandbox / local.sandbox */
  sandbox: SandboxMode;
  /** Workers: why bwrap cannot run on this host (the daemon's probe at start), null when it can. */
  sandboxProblem: string | null;
  /** bubblewrap: `bwrap` on PATH, or AGENTFLEET_BWRAP */
  bwrap: string;
  /** How attempts' transcripts are kept (AGENTFLEET_TRANSCRIPT*). */
  transcripts: TranscriptSettings;
  /** Finished runs' retention (AGENTFLEET_RETENTION_*, from fleet.yaml's retention). */
  retention: RetentionSettings;
  /** The daemon: fleet.yaml's notify: webhooks (URLs stay in the environment, under their urlEnv names). */
  notify: NotifySpec[];
  /** The daemon: monitor.publicUrl, for links in notifications. */
  publicUrl: string | null;
}

const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);

export function readSettings(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const redisUrl = env[DAEMON_ENV.redisUrl];
  if (!redisUrl) throw new InputError('REDIS_URL is not set for the host daemon');
  const host = env[DAEMON_ENV.host] ?? hostname().split('.')[0] ?? 'local';
  if (!HOST_NAME_PATTERN.test(host)) throw new InputError(`invalid host name '${host}'`);
  const replaces = num(env[DAEMON_ENV.replaces], 0);
  const home = defaultHome(env);
  return {
    redisUrl,
    prefix: env[DAEMON_ENV.prefix] ?? 'af',
    host,
    home,
    labels: (env[DAEMON_ENV.labels] ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    lockMs: num(env[DAEMON_ENV.lockMs], 30_000),
    stalledMs: num(env[DAEMON_ENV.stalledMs], 15_000),
    heartbeatMs: num(env[DAEMON_ENV.heartbeatMs], 2_000),
    heartbeatTtlMs: num(env[DAEMON_ENV.heartbeatTtlMs], 15_000),
    minDiskFree: num(env[DAEMON_ENV.minDiskFree], 1024 ** 3),
    secretNames: (env[DAEMON_ENV.secretNames] ?? '').split(',').filter(Boolean),
    version: env[DAEMON_ENV.version] ?? '0.1.0',
    protocol: Math.min(PROTOCOL_VERSION, num(env[DAEMON_ENV.protocol], PROTOCOL_VERSION)),
    slot: num(env[DAEMON_ENV.slot], 0),
    gitAuthor: env[DAEMON_ENV.gitAuthor] ?? 'agentfleet <fleet@localhost>',
    closeGraceMs: num(env[DAEMON_ENV.closeGraceMs], 6 * 3600_000),
    defaultSlots: num(env[DAEMON_ENV.slots], defaultSlots(availableParallelism(), totalmem())),
    reconcileMs: num(env[DAEMON_ENV.reconcileMs], 5000),
    stopGraceMs: num(env[DAEMON_ENV.stopGraceMs], 6 * 3600_000),
    workerScript: env[DAEMON_ENV.workerScript] || null,
    replaces: replaces > 0 ? replaces : null,
    files: parseHostFilesEnv(env[DAEMON_ENV.files]),
    sandbox: env[DAEMON_ENV.sandbox] === 'none' ? 'none' : 'bwrap',
    sandboxProblem: env[DAEMON_ENV.sandboxProblem] || null,
    bwrap: env[DAEMON_ENV.bwrap] || 'bwrap',
    transcripts: transcriptSettings(env, home),
    retention: retentionSettings(env, home),
    ...readNotifySettings(env),
  };
}

/** How this host confines its tasks: as configured, or unusable when bwrap is configured and cannot run here. */
export function hostSandboxMode(s: Pick<WorkerSettings, 'sandbox' | 'sandboxProblem'>): HostSandboxMode {
  return s.sandbox === 'none' ? 'none' : s.sandboxProblem ? 'unusable' : 'bwrap';
}

export function slotName(host: string, slot: number): string {
  return `${host}-${slot}`;
}

/** What a worker process of `slot` gets: the daemon's environment with its slot number (and why it cannot sandbox, if so). */
export function workerEnvironment(slot: number, env: NodeJS.ProcessEnv = process.env, sandboxProblem: string | null = null): NodeJS.ProcessEnv {
  return { ...env, [DAEMON_ENV.replaces]: undefined, [DAEMON_ENV.slot]: String(slot), [DAEMON_ENV.sandboxProblem]: sandboxProblem ?? undefined };
}

/**
 * What every task process starts from: the daemon's allowlisted variables (env-allowlist.ts)
 * plus the slot marker (a restarted worker finds what its predecessor left running by it).
 */
export function agentEnvironment(slotId: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...allowlistedEnv(env), [DAEMON_ENV.slotId]: slotId };
}

// The names of the environment variables through which `fleet up`, the local fleet, the
// launcher, the host daemon and its workers talk. apps/worker/src/settings.ts is the only
// reader of them on the daemon side; everything that sets one takes its name from here.

export const DAEMON_ENV = {
  redisUrl: 'REDIS_URL',
  home: 'AGENTFLEET_HOME',
  host: 'AGENTFLEET_HOST',
  prefix: 'AGENTFLEET_PREFIX',
  labels: 'AGENTFLEET_LABELS',
  slots: 'AGENTFLEET_SLOTS',
  secretNames: 'AGENTFLEET_SECRET_NAMES',
  gitAuthor: 'AGENTFLEET_GIT_AUTHOR',
  heartbeatTtlMs: 'AGENTFLEET_HEARTBEAT_TTL_MS',
  version: 'AGENTFLEET_VERSION',
  /** hosts[].files / local.files as JSON [{from, to}]: paths only, the files stay on the host. */
  files: 'AGENTFLEET_FILES',
  /** hosts[].sandbox / local.sandbox: bwrap (default) or none. */
  sandbox: 'AGENTFLEET_SANDBOX',
  /** fleet.yaml's notify: list as JSON (webhook URLs stay in the variables it names) and monitor.publicUrl. */
  notify: 'AGENTFLEET_NOTIFY',
  publicUrl: 'AGENTFLEET_PUBLIC_URL',
  /** Set by the launcher: the release the daemon runs from. */
  releaseDir: 'AGENTFLEET_RELEASE_DIR',
  /** Set by the launcher for a daemon that takes over from a draining one (fleet up --restart). */
  replaces: 'AGENTFLEET_REPLACES',
  // Tuning (hosts[].daemonEnv, or the shell of the local fleet).
  lockMs: 'AGENTFLEET_LOCK_MS',
  /** bubblewrap when it is not `bwrap` on PATH */
  bwrap: 'AGENTFLEET_BWRAP',
  stalledMs: 'AGENTFLEET_STALLED_MS',
  heartbeatMs: 'AGENTFLEET_HEARTBEAT_MS',
  reconcileMs: 'AGENTFLEET_RECONCILE_MS',
  minDiskFree: 'AGENTFLEET_MIN_DISK_FREE',
  stopGraceMs: 'AGENTFLEET_STOP_GRACE_MS',
  closeGraceMs: 'AGENTFLEET_CLOSE_GRACE_MS',
  /** Lowers the protocol a daemon speaks (to try version skew). */
  protocol: 'AGENTFLEET_PROTOCOL',
  workerScript: 'AGENTFLEET_WORKER_SCRIPT',
  // fleet.yaml's retention, set by fleet up and the local fleet (the lease holder archives runs).
  retentionRunsMs: 'AGENTFLEET_RETENTION_RUNS_MS',
  retentionTranscriptsMs: 'AGENTFLEET_RETENTION_TRANSCRIPTS_MS',
  retentionBranches: 'AGENTFLEET_RETENTION_BRANCHES',
  retentionEveryMs: 'AGENTFLEET_RETENTION_EVERY_MS',
  // Transcripts (tuning): 0 turns recording off; the Redis copy's caps, expiry, gathering interval.
  transcripts: 'AGENTFLEET_TRANSCRIPTS',
  transcriptMaxEntries: 'AGENTFLEET_TRANSCRIPT_MAX_ENTRIES',
  transcriptMaxBytes: 'AGENTFLEET_TRANSCRIPT_MAX_BYTES',
  transcriptMaxEntryBytes: 'AGENTFLEET_TRANSCRIPT_MAX_ENTRY_BYTES',
  transcriptTtlMs: 'AGENTFLEET_TRANSCRIPT_TTL_MS',
  transcriptFlushMs: 'AGENTFLEET_TRANSCRIPT_FLUSH_MS',
  // Set by the daemon for its workers, and by workers for their agents.
  slot: 'AGENTFLEET_SLOT',
  slotId: 'AGENTFLEET_SLOT_ID',
  /** Set by the daemon for its workers when bwrap cannot run on the host: why (they then serve only sandbox: none tasks). */
  sandboxProblem: 'AGENTFLEET_SANDBOX_PROBLEM',
} as const;

/**
 * Set by a worker for every process it starts for a task (agent, checks, setup): which task,
 * which attempt, which slot, and the slot's block of ports (attempt/process-env.ts).
 */
export const TASK_ENV = {
  run: 'AGENTFLEET_RUN',
  task: 'AGENTFLEET_TASK',
  attempt: 'AGENTFLEET_ATTEMPT',
  slot: DAEMON_ENV.slot,
  portBase: 'AGENTFLEET_PORT_BASE',
  portCount: 'AGENTFLEET_PORT_COUNT',
  /** where the task leaves a JSON object of named results (its dependents' `when:` read them) */
  outputs: 'AGENTFLEET_OUTPUTS',
  /** where an `expands: true` task writes its plan fragment */
  planOut: 'AGENTFLEET_PLAN_OUT',
} as const;

/** Variables `fleet up` sets from fleet.yaml itself: hosts[].daemonEnv may not set them. */
export const SET_BY_FLEET_UP: readonly string[] = [
  DAEMON_ENV.redisUrl, DAEMON_ENV.host, DAEMON_ENV.home, DAEMON_ENV.prefix, DAEMON_ENV.labels, DAEMON_ENV.slots,
  DAEMON_ENV.secretNames, DAEMON_ENV.gitAuthor, DAEMON_ENV.heartbeatTtlMs, DAEMON_ENV.version, DAEMON_ENV.files, DAEMON_ENV.sandbox, DAEMON_ENV.notify, DAEMON_ENV.publicUrl,
];

/** Variables only the CLI reads (where its config, bundle and daemon script are). */
export const CLI_ONLY: readonly string[] = ['AGENTFLEET_CONFIG', 'AGENTFLEET_BUNDLE', 'AGENTFLEET_HOSTD'];

/** The fleet's own control variables: agents never see them. */
export function isControlVariable(name: string): boolean {
  return name.startsWith('AGENTFLEET_') || name === DAEMON_ENV.redisUrl;
}

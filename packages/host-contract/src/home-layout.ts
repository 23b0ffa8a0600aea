// The agentfleet home on a host (and on the laptop for the local fleet): where logs, pid files,
// the start record, releases, mirrors and slot worktrees live. POSIX paths, so the same layout
// serves a remote home seen over SSH (possibly relative to the login directory).
import { homedir } from 'node:os';
import { posix } from 'node:path';
import { DAEMON_ENV } from './env-names.js';

export const HOME_DIR_NAME = '.agentfleet';
export const LOG_DIR = 'logs';
export const HOSTD_LOG = 'hostd.log';
/** The newest daemon of this home (running, or waiting to take over from a draining one). */
export const PID_FILE = 'hostd.pid';
/** Held by the daemon that runs the workers; a replacement waits for it. */
export const ACTIVE_LOCK = 'hostd.active';
/** What the daemon of PID_FILE was started with (fingerprints only, never values). */
export const START_RECORD = 'hostd.json';

/** $AGENTFLEET_HOME, else ~/.agentfleet. */
export function defaultHome(env: NodeJS.ProcessEnv): string {
  return env[DAEMON_ENV.home] || posix.join(homedir(), HOME_DIR_NAME);
}

export function workerLogName(slot: number): string {
  return `worker-${slot}.log`;
}

export interface HomeLayout {
  home: string;
  logs: string;
  hostdLog: string;
  workerLog(slot: number): string;
  pidFile: string;
  /** Serialises launchers (two `fleet up` at once). */
  launchLock: string;
  activeLock: string;
  startRecord: string;
  releases: string;
  currentRelease: string;
  mirrors: string;
  slots: string;
  integrate: string;
  /** eval results of runs without --push: one bare scratch repository per repository */
  evalResults: string;
  redis: string;
}

export function homeLayout(home: string): HomeLayout {
  const at = (...parts: string[]) => posix.join(home, ...parts);
  return {
    home,
    logs: at(LOG_DIR),
    hostdLog: at(LOG_DIR, HOSTD_LOG),
    workerLog: (slot) => at(LOG_DIR, workerLogName(slot)),
    pidFile: at(PID_FILE),
    launchLock: at(`${PID_FILE}.launch`),
    activeLock: at(ACTIVE_LOCK),
    startRecord: at(START_RECORD),
    releases: at('releases'),
    currentRelease: at('releases', 'current'),
    mirrors: at('mirrors'),
    slots: at('slots'),
    integrate: at('integrate'),
    evalResults: at('eval-results'),
    redis: at('redis'),
  };
}

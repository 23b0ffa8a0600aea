// @agentfleet/host-contract: what the CLI, `fleet up`, the launcher, the host daemon and its
// workers agree on about a host. Node builtins only: the launcher runs before anything else.
export { DAEMON_ENV, TASK_ENV, SET_BY_FLEET_UP, CLI_ONLY, isControlVariable } from './env-names.js';
export {
  HOME_DIR_NAME, LOG_DIR, HOSTD_LOG, PID_FILE, ACTIVE_LOCK, START_RECORD, defaultHome, homeLayout, workerLogName,
  type HomeLayout,
} from './home-layout.js';
export { HOSTD_ARG_PATTERN, pidAlive, commandLine, hostdScriptOf, isHostdProcess } from './process-alive.js';
export { readPidFile, writePidFile, takePidFile, releasePidFile, type PidFileClaim } from './pid-file.js';
export { acquireLock, withLock, readLock, isStale, LockBusyError, type LockHandle, type LockInfo, type LockOptions } from './file-lock.js';
export { parseLaunchRequest, formatLaunchOutcome, parseLaunchOutcome, type LaunchRequest, type LaunchOutcome } from './launch-request.js';
export {
  fingerprintEnv, fingerprinted, envChanges, hasEnvChanges, describeEnvChanges, parseStartRecord, readStartRecord, writeStartRecord,
  type EnvFingerprint, type EnvChanges, type StartRecord,
} from './start-record.js';

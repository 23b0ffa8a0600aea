export { shellQuote, shellCommand, shScript } from './shell-quote.js';
export { HostKeyError, SshError, type HostKeyProblem } from './errors.js';
export {
  parseKnownHosts, checkHostKey, knownHostName, fingerprintSha256, keyTypeOf, appendKnownHost, readKnownHosts,
  type KnownHostEntry, type HostKeyVerdict,
} from './known-hosts.js';
export { resolveHost, parseDestination, type ResolvedHost, type ResolveOptions } from './resolve-host.js';
export { SshSession, type ConnectOptions, type ExecOptions, type ExecResult } from './session.js';
export { probeHost, parseProbe, defaultSlots, MIN_NODE_MAJOR, type HostProbe } from './probe.js';
export { deployBundle, hashBundle, remoteHome, type DeployOptions, type DeployResult } from './deploy.js';
export {
  startDaemon, stopDaemon, daemonStatus, daemonInfo, launchEnvironment,
  type StartDaemonOptions, type StartDaemonResult, type StopDaemonOptions, type StopResult, type DaemonHomeOptions, type DaemonInfo,
} from './daemon.js';
export { daemonLogFile, readDaemonLog, followDaemonLog, type DaemonLogOptions } from './daemon-log.js';
export { missingHostFiles } from './host-files.js';

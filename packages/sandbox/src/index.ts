// @agentfleet/sandbox: what a task's processes may reach. Builds bubblewrap command lines (the
// system read-only, the workspace and caches writable, a private HOME and /tmp, the network
// cut when asked) and tries whether a host can sandbox at all. No process of a task is started
// here: the agents' spawnGroup and the worker's task commands take a Confinement.
export { Confinement, hostSandbox, namespaceArgs, STARTED_FD, STARTED_MARK, type HostSandbox } from './bwrap.js';
export { sandboxIdentity, SANDBOX_UID, type HiddenPlaces, type SandboxIdentity, type SandboxPolicy } from './policy.js';
export { probeSandbox, probeScript, readProbe, BWRAP_MISSING, type SandboxProbe } from './probe.js';
export { findExecutable, installDirs } from './executable.js';
export { mountable, toolDirs } from './system-mounts.js';
export { etcMountArgs } from './etc-mounts.js';
